import { startTarget, type TargetOptions } from './target.js';

/**
 * The body of a target child process (see startTargetProcess): serves until the parent disconnects or sends
 * SIGTERM. A function, not top-level code, so the single executable can run it when it starts itself as the child.
 */
export async function serveChild(optionsJson: string | undefined): Promise<void> {
  const options = JSON.parse(optionsJson ?? '{}') as TargetOptions;
  const target = await startTarget(options);
  const stop = (): void => {
    target.close().finally(() => process.exit(0));
  };
  process.on('message', (msg) => {
    if (msg === 'stats') process.send?.({ stats: target.stats() });
  });
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.send?.({ url: target.url, port: target.port });
}
