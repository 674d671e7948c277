// An engine thread that cannot load (as when a broken install lacks the worker's file): it dies before it is ready.
throw new Error('this engine thread cannot load');
