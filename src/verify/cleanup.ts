/**
 * Undo actions for things a run creates outside the process (temporary databases). The command
 * layer runs them on SIGINT/SIGTERM; each runs at most once, also when the normal path already
 * reached it.
 */
export interface CleanupFailure {
  /** What the undo was for, e.g. the database it drops. */
  readonly label: string;
  readonly error: unknown;
}

export class Cleanups {
  private readonly pending = new Map<symbol, { readonly label: string; readonly run: () => Promise<void> }>();

  /** Registers `undo`; the returned function runs it now (once) and unregisters it. */
  add(undo: () => Promise<void>, label = 'cleanup'): () => Promise<void> {
    const key = Symbol(label);
    let running: Promise<void> | null = null;
    const run = () => {
      running ??= undo().finally(() => this.pending.delete(key));
      return running;
    };
    this.pending.set(key, { label, run });
    return run;
  }

  /** What is registered and has not finished, by label. */
  pendingLabels(): string[] {
    return [...this.pending.values()].map((p) => p.label);
  }

  /** Runs every pending undo; failures are collected, not thrown, so each one gets its turn. */
  async runAll(): Promise<CleanupFailure[]> {
    const pending = [...this.pending.values()];
    const results = await Promise.allSettled(pending.map((p) => p.run()));
    return results.flatMap((r, i) => (r.status === 'rejected' ? [{ label: pending[i]!.label, error: r.reason }] : []));
  }
}
