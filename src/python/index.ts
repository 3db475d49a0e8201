export { probePythonBackend } from './probe.js';
export type { PythonCallMismatch, PythonProbeOptions, PythonProbeResult } from './types.js';
