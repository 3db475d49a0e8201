/**
 * A batch of statements sent to an engine as one request: run in order up to the first that
 * fails, then that step's undo, which is what a caller's catch would have run. Several batches
 * can go in one request: each ends at its own failure, and the next runs, unless the failure
 * could not be undone (endsTheRest) or the caller asked that any failure end the request
 * (`stopAtFailure`: migration files, each applied only if those before it were). The embedded
 * engine runs them in its worker in one hand-off; a server several to a round trip where that
 * changes nothing (pipelined-steps.ts).
 */
import type { SqlEngine } from './engine.js';
import type { StatementRanges } from './split-statements.js';
import { toSqlError, type SqlError } from './sql-error.js';

export interface SqlStep {
  /** `exec`: a script (simple query protocol, no rows); `query`: one statement with `$1…` parameters. */
  readonly kind: 'exec' | 'query';
  readonly sql: string;
  readonly params?: readonly unknown[];
  /** An `exec` script's statements, when the caller found them already (see SqlEngine.exec). */
  readonly statements?: StatementRanges;
  /** Scripts run, all of them, when this step fails (e.g. rolling back to a savepoint). */
  readonly undo?: readonly string[];
  /**
   * What a statement running past the time limit in this step is called, for SQL of the caller's
   * own that runs the user's code (a transaction's end running deferred constraint triggers);
   * else the statement's first line is shown.
   */
  readonly shownAs?: string;
  /**
   * For a `query` that is one `COPY … FROM STDIN`: the data it reads, sent as a client sends it
   * (psql, the lines after the statement in its file). Without it, such a COPY waits for data.
   */
  readonly copyData?: string;
}

/**
 * An engine that stops within a step (the embedded engine past the time limit, or on a signal)
 * still answers: the rows of the steps before, that step failed with the stop's error, and its
 * undo could not run (the stop's error again, when the step has an undo).
 */
export interface StepsRun {
  /** The rows of each step that succeeded, in order (none for an `exec`). */
  readonly rows: readonly Record<string, unknown>[][];
  /** The step that failed, which ended the batch. */
  readonly failure: { readonly step: number; readonly error: SqlError } | null;
  /** The first error of the failed step's undo. */
  readonly undoError: SqlError | null;
}

/** Runs the steps one call at a time: the same results as a batch, for any engine. */
export async function runStepsInTurn(engine: Pick<SqlEngine, 'exec' | 'query'>, steps: readonly SqlStep[]): Promise<StepsRun> {
  const rows: Record<string, unknown>[][] = [];
  for (const [index, step] of steps.entries()) {
    try {
      if (step.kind === 'exec') {
        await engine.exec(step.sql, step.statements);
        rows.push([]);
      } else {
        rows.push(await engine.query(step.sql, [...(step.params ?? [])]));
      }
    } catch (error) {
      let undoError: SqlError | null = null;
      for (const sql of step.undo ?? []) {
        await engine.exec(sql).catch((e: unknown) => {
          undoError ??= toSqlError(e);
        });
      }
      return { rows, failure: { step: index, error: toSqlError(error) }, undoError };
    }
  }
  return { rows, failure: null, undoError: null };
}

/** The run of each batch of a request, in order; null for a batch not run (see endsTheRest). */
export type BatchesRun = readonly (StepsRun | null)[];

export interface BatchesOptions {
  /** Any batch's failure ends the request, undone or not: the batches after it are not run. */
  readonly stopAtFailure?: boolean;
}

/**
 * A batch's failure that its undo did not put right: a step with no undo failed, or the undo
 * itself did. What the batches after it would run on is unknown, so they are not run. With
 * `stopAtFailure`, any failure.
 */
export function endsTheRest(
  run: { readonly failure: { readonly step: number } | null; readonly undoError: unknown },
  steps: readonly { readonly undo?: readonly unknown[] | undefined }[],
  { stopAtFailure = false }: BatchesOptions = {},
): boolean {
  if (run.failure !== null && stopAtFailure) return true;
  return run.undoError !== null || (run.failure !== null && !steps[run.failure.step]?.undo?.length);
}

/** Runs the batches one call at a time: the same results as one request, for any engine. */
export async function runBatchesInTurn(
  engine: Pick<SqlEngine, 'exec' | 'query'>,
  batches: readonly (readonly SqlStep[])[],
  options: BatchesOptions = {},
  runSteps: (steps: readonly SqlStep[]) => Promise<StepsRun> = (steps) => runStepsInTurn(engine, steps),
): Promise<BatchesRun> {
  const runs: (StepsRun | null)[] = [];
  let ended = false;
  for (const steps of batches) {
    if (ended) {
      runs.push(null);
      continue;
    }
    const run = await runSteps(steps);
    runs.push(run);
    ended = endsTheRest(run, steps, options);
  }
  return runs;
}
