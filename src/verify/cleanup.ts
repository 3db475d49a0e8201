/**
 * Undo actions for things a run creates outside the process (temporary databases, the roles
 * they need). The command layer runs them on SIGINT/SIGTERM/SIGHUP; each runs at most once, also when
 * the normal path already reached it.
 */
export interface CleanupFailure {
  /** What the undo was for, e.g. the database it drops. */
  readonly label: string;
  readonly error: unknown;
}

/** Cleanup has begun (the run was interrupted): nothing new may be created. */
export class CleanupStartedError extends Error {
  constructor(label: string) {
    super(`interrupted: ${label} was not created`);
    this.name = 'CleanupStartedError';
  }
}

export class Cleanups {
  private readonly pending = new Map<symbol, { readonly label: string; readonly run: () => Promise<void> }>();
  private started = false;

  /**
   * Registers `undo`; the returned function runs it now (once) and unregisters it. Once `runAll`
   * has begun it throws CleanupStartedError instead: work abandoned by an interruption must not
   * create what nobody will undo.
   */
  add(undo: () => Promise<void>, label = 'cleanup'): () => Promise<void> {
    if (this.started) throw new CleanupStartedError(label);
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

  /**
   * Runs every pending undo, the last registered first (a database goes before the roles it
   * was created with); failures are collected, not thrown, so each one gets its turn.
   */
  async runAll(): Promise<CleanupFailure[]> {
    this.started = true;
    const failures: CleanupFailure[] = [];
    for (const { label, run } of [...this.pending.values()].reverse()) {
      await run().catch((error: unknown) => failures.push({ label, error }));
    }
    return failures;
  }
}
