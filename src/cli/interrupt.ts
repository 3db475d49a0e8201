import type { CleanupFailure } from '../verify/cleanup.js';

/**
 * The signals that stop a command the way Ctrl-C does: SIGINT, SIGTERM (a CI runner cancelling a
 * job) and SIGHUP (the terminal or SSH session went away). Left to Node's default handling they
 * end the process at once: no undo of a generate's writes, no drop of verify's databases, and
 * an embedded engine's temporary data directory left behind.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export type Interruptible<T> =
  | { readonly kind: 'finished'; readonly value: T }
  /** The first signal's cleanup ran; the task was not waited for. */
  | { readonly kind: 'interrupted'; readonly failures: readonly CleanupFailure[] }
  /** A second signal while waiting (for the cleanup, or for the task to undo its writes): the user will not wait. */
  | { readonly kind: 'interrupted-again' };

/**
 * What repeated signals mean for a command. verify: the second ends the wait. generate: once
 * undoing has begun it must finish, so the second is only acknowledged (`onIgnored`) and the
 * third ends the wait.
 */
export interface InterruptPolicy {
  /** Signals after the first that are acknowledged and otherwise ignored. */
  readonly ignoreRepeats?: number;
  readonly onIgnored?: () => void;
}

/**
 * Runs `task` under the STOP_SIGNALS. The first signal aborts the task's signal; with `cleanup`
 * it also runs it and the result is `interrupted` once it is done (the task itself may hang, say
 * in a query), without, the task is waited for: it notices the abort, undoes its writes and
 * settles. A second signal ends any wait (unless `policy` ignores it). A task that throws rejects, unless a cleanup has begun.
 */
export async function runInterruptible<T>(
  task: (signal: AbortSignal) => Promise<T>,
  cleanup?: () => Promise<readonly CleanupFailure[]>,
  policy: InterruptPolicy = {},
): Promise<Interruptible<T>> {
  const controller = new AbortController();
  let onSignal: () => void = () => undefined;
  let repeats = 0;
  const interruption = new Promise<Interruptible<never>>((resolve) => {
    onSignal = () => {
      if (controller.signal.aborted) {
        if (++repeats <= (policy.ignoreRepeats ?? 0)) {
          policy.onIgnored?.();
          return;
        }
        resolve({ kind: 'interrupted-again' });
        return;
      }
      controller.abort();
      cleanup?.().then(
        (failures) => resolve({ kind: 'interrupted', failures }),
        (error: unknown) => resolve({ kind: 'interrupted', failures: [{ label: 'cleanup', error }] }),
      );
    };
  });
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  try {
    // Once the cleanup has begun, its outcome is the run's, whatever the abandoned task does.
    const cleaningUp = () => controller.signal.aborted && cleanup !== undefined;
    const finished = task(controller.signal).then(
      (value): Interruptible<T> | Promise<Interruptible<T>> => (cleaningUp() ? interruption : { kind: 'finished', value }),
      (error: unknown): Promise<Interruptible<T>> => (cleaningUp() ? interruption : Promise.reject(error)),
    );
    return await Promise.race<Interruptible<T>>([finished, interruption]);
  } finally {
    for (const name of STOP_SIGNALS) process.off(name, onSignal);
  }
}

/**
 * For the moments a command runs outside runInterruptible once its work is done (printing the
 * report): a signal is recorded instead of ending the process by the default handler, so that
 * the command can still say that nothing is left to undo and exit 130.
 */
export function recordSignals(): { readonly received: () => boolean; readonly release: () => void } {
  let received = false;
  const onSignal = () => {
    received = true;
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  return {
    received: () => received,
    release: () => {
      for (const name of STOP_SIGNALS) process.off(name, onSignal);
    },
  };
}
