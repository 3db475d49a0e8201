/**
 * Undo actions for things a run creates outside the process (temporary databases). The command
 * layer runs them on SIGINT/SIGTERM; each runs at most once, also when the normal path already
 * reached it.
 */
export class Cleanups {
  private readonly pending = new Map<symbol, () => Promise<void>>();

  /** Registers `undo`; the returned function runs it now (once) and unregisters it. */
  add(undo: () => Promise<void>): () => Promise<void> {
    const key = Symbol('cleanup');
    let running: Promise<void> | null = null;
    const runOnce = () => {
      running ??= undo().finally(() => this.pending.delete(key));
      return running;
    };
    this.pending.set(key, runOnce);
    return runOnce;
  }

  /** Runs every pending undo; failures are collected, not thrown, so each one gets its turn. */
  async runAll(): Promise<unknown[]> {
    const results = await Promise.allSettled([...this.pending.values()].map((undo) => undo()));
    return results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  }
}
