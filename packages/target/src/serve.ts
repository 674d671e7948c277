// Child-process entry of startTargetProcess(): serves until the parent disconnects or sends SIGTERM.
import { serveChild } from './serve-child.js';

await serveChild(process.argv[2]);
