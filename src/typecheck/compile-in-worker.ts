import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../package-root.js';
import type { Observation } from './fs-observations.js';
import type { CompileReply, CompileRequest } from './worker-messages.js';
import type { CompiledResult } from './types.js';

/** The worker script, built by scripts/build.mjs (the tests' global setup builds it too). */
export const TYPECHECK_WORKER_FILE = path.join(packageRoot, 'dist', 'typecheck', 'worker.js');

export interface Compiled {
  readonly result: CompiledResult;
  readonly observations: readonly Observation[];
  /** When the first observation was made (ms since the epoch). */
  readonly recordedAt: number;
}

/**
 * Compiles in a worker thread (worker.ts), so that the seconds the compiler holds a thread are
 * not taken from the checks running beside it. `signal` terminates the worker.
 */
export function compileInWorker(request: CompileRequest, signal?: AbortSignal): Promise<Compiled> {
  return new Promise((resolve, reject) => {
    const stopped = () => new Error('interrupted: the compilation was stopped');
    if (signal?.aborted) return reject(stopped());
    const worker = new Worker(TYPECHECK_WORKER_FILE, { workerData: request });
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      done();
    };
    const onAbort = () => {
      void worker.terminate();
      settle(() => reject(stopped()));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (reply: CompileReply) =>
      settle(() =>
        reply.ok
          ? resolve({ result: reply.result, observations: reply.observations, recordedAt: reply.recordedAt })
          : reject(new Error(reply.message)),
      ),
    );
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`the compiler's worker thread ended (exit code ${code}) without an answer`))),
    );
  });
}
