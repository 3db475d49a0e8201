import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { failed, skipped } from '../outcome.js';
import { errorMessage, instant, type Timed } from '../timing.js';
import type { CheckOutcome, GrantMode, RepoContext } from '../types.js';
import type { ModeResults, ModeRunner } from './mode-runner.js';

const WORKER_FILE = fileURLToPath(new URL('./mode-worker.js', import.meta.url));

export interface ModeWorkerData {
  readonly phaseId: string;
  readonly checkNames: readonly string[];
  /** Without the abort signal, which cannot cross threads: the worker is terminated instead. */
  readonly ctx: RepoContext;
  readonly mode: GrantMode;
  readonly skip: readonly string[];
}

/**
 * Whether modes can run in worker threads: the worker script is compiled JavaScript, present in
 * the built package, not when this module runs from its TypeScript source.
 */
export function modeWorkersAvailable(): boolean {
  return existsSync(WORKER_FILE);
}

/** Each grant mode in its own worker thread, on the embedded engine. */
export function inWorkerThreads(phaseId: string): ModeRunner {
  return {
    run(checks, ctx, mode, skip) {
      const { signal, ...options } = ctx.options;
      const data: ModeWorkerData = {
        phaseId,
        checkNames: checks.map((c) => c.name),
        ctx: { ...ctx, options },
        mode,
        skip: [...skip],
      };
      const worker = new Worker(WORKER_FILE, { workerData: data });
      const stop = () => void worker.terminate();
      signal?.addEventListener('abort', stop, { once: true });
      return new Promise<ModeResults>((resolve) => {
        let settled = false;
        const settle = (results: ModeResults) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', stop);
          resolve(results);
        };
        worker.once('message', (entries: [string, Timed<CheckOutcome>][]) => {
          settle(new Map(entries));
          void worker.terminate();
        });
        worker.once('error', (error) => settle(crashed(checks.map((c) => c.name), mode, errorMessage(error))));
        worker.once('exit', (code) =>
          settle(signal?.aborted ? interrupted(checks.map((c) => c.name)) : crashed(checks.map((c) => c.name), mode, `exit code ${code}`)),
        );
      });
    },
  };
}

function crashed(names: readonly string[], mode: GrantMode, reason: string): ModeResults {
  const [first, ...rest] = names;
  const results: ModeResults = new Map();
  if (first) results.set(first, instant(failed(`the ${mode}-grants database checks stopped: ${reason}`)));
  for (const name of rest) results.set(name, instant(skipped(`the ${mode}-grants database checks stopped`)));
  return results;
}

function interrupted(names: readonly string[]): ModeResults {
  return new Map(names.map((name) => [name, instant(skipped('interrupted'))]));
}
