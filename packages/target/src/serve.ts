// Child-process entry of startTargetProcess(): serves until the parent disconnects or sends SIGTERM.
import { startTarget, type TargetOptions } from './target.js';

const options = JSON.parse(process.argv[2] ?? '{}') as TargetOptions;
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
