import type { Observation } from './fs-observations.js';
import type { CompiledResult } from './types.js';

/** What the compiler's worker thread is given (workerData). */
export interface CompileRequest {
  /** The app's compiler entry file. */
  readonly typescript: string;
  readonly appDir: string;
  /** Absolute. */
  readonly files: readonly string[];
}

/** The worker's one message. */
export type CompileReply =
  | {
      readonly ok: true;
      readonly result: CompiledResult;
      readonly observations: readonly Observation[];
      /** When the first observation was made (ms since the epoch). */
      readonly recordedAt: number;
    }
  | { readonly ok: false; readonly message: string };
