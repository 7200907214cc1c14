// The devhost's public API: `startDevHost` (child process, for tests) and `runDevHost` (in process).
export { startDevHost, type DevHostProcess, type StartDevHostOptions } from './startDevHost';
export { runDevHost, type DevHost, type DevHostOptions } from './runDevHost';
export { DevHostError, type DevHostErrorCode } from './errors';
