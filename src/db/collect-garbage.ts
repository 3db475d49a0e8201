/**
 * A full garbage collection of this thread's heap, on demand. V8 frees what is unreachable at its
 * next collection, and a main thread that waits on the engine's worker allocates too little to
 * reach one for seconds: a 20 MiB migration file, read as text (in pieces, then joined by the
 * first search of it), left 20 MiB of garbage resident through the engine's boot and its peak.
 *
 * V8 gives the collector to the contexts created while `--expose-gc` is set (Jest's leak detector
 * takes it the same way); the flag is cleared again at once, so that no other context, and no
 * worker started later, sees a `gc` global.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | null = null;

export function collectGarbage(): void {
  // Run with --expose-gc (NODE_OPTIONS), the process has it already, and the flag stays as set.
  collector ??= (globalThis as { gc?: () => void }).gc ?? exposedCollector();
  collector();
}

function exposedCollector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as () => void;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}
