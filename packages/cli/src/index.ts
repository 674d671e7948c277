// The volley command line: oclif commands that turn flags into plans and hand them to the packages.
export { EXIT, isUsageError, UsageError } from './errors.js';
export { inputFromFlags, parseHeader } from './flags-input.js';
export { planFromInput } from './plan-input.js';
