// The built-in HTTP target (`volley target`): configurable latency, status and body size, with per-request
// overrides for stalls and resets; it counts requests and connections so tests can check a run against it. And a
// stateful journey server (login, token, cookie) that counts what each virtual user sent, for journey tests.
export { freePort } from './free-port.js';
export {
  type JourneyServer,
  type JourneyServerOptions,
  type JourneyStats,
  type JourneyUser,
  journeyUsers,
  MAX_ARRIVALS,
  passwordOf,
  startJourneyServer,
  usersCsv,
} from './journey-server.js';
export { startTargetProcess, type TargetProcess } from './process.js';
export { serveChild } from './serve-child.js';
export { startTarget, type Target, TargetError, type TargetOptions, type TargetStats } from './target.js';
