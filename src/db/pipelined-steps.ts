/**
 * Steps on a server, several per round trip where that cannot change what they do. Inside a
 * transaction block that has not failed, a statement that fails aborts the block, and the server
 * then refuses every statement but one that ends the block or rolls back to a savepoint. So the
 * steps up to the next such statement can be sent together: those behind the first that fails
 * are refused (they change nothing), and its undo, sent after them, finds the block as it would
 * have right after the failure. Outside a block each statement commits on its own, so a step
 * there is sent alone, as is a step that ends the block or rolls back, and a COPY. Each step keeps
 * its own time limit, counted from when the one before it is answered.
 */
import { statementsOf, withoutComments } from './split-statements.js';
import { toSqlError, type SqlError } from './sql-error.js';
import type { SqlStep, StepsRun } from './sql-steps.js';

/** A server session as the steps need it. */
export interface PipelineSession {
  /**
   * Sends a step without waiting for the answers to those before it (the driver queues it on
   * the wire behind them); resolves to its rows. Throws, sending nothing, for SQL refused before
   * it is sent.
   */
  send(step: SqlStep): Promise<Record<string, unknown>[]>;
  /** Waits for a sent step under the statement time limit, which starts now. */
  within<T>(answer: () => Promise<T>): Promise<T>;
  /** Inside a transaction block that has not failed (the last answer's transaction status 'T'). */
  inTransactionBlock(): boolean;
}

export async function runStepsPipelined(session: PipelineSession, steps: readonly SqlStep[]): Promise<StepsRun> {
  const rows: Record<string, unknown>[][] = [];
  let next = 0;
  while (next < steps.length) {
    const end = groupEnd(steps, next, session.inTransactionBlock());
    const sent: Promise<Record<string, unknown>[]>[] = [];
    for (let i = next; i < end; i++) {
      try {
        sent.push(session.send(steps[i]!));
      } catch (error) {
        sent.push(Promise.reject(error));
        break;
      }
    }
    // Answers behind a failure are refusals nobody reads.
    for (const answer of sent) answer.catch(() => undefined);
    for (const [offset, answer] of sent.entries()) {
      try {
        rows.push(await session.within(() => answer));
      } catch (error) {
        const index = next + offset;
        // Each refusal behind it under the time limit too: a session that stopped answering fails them.
        await Promise.allSettled(sent.slice(offset + 1).map((refused) => session.within(() => refused)));
        return { rows, failure: { step: index, error: toSqlError(error) }, undoError: await undo(session, steps[index]!) };
      }
    }
    next += sent.length;
  }
  return { rows, failure: null, undoError: null };
}

async function undo(session: PipelineSession, step: SqlStep): Promise<SqlError | null> {
  let undoError: SqlError | null = null;
  for (const sql of step.undo ?? []) {
    try {
      await session.within(() => session.send({ kind: 'exec', sql }));
    } catch (error) {
      undoError ??= toSqlError(error);
    }
  }
  return undoError;
}

/**
 * Where the steps sent together from `start` end (exclusive; at least one step). In a block: up
 * to the first that goes alone. Outside one, a step that only opens a block (which cannot fail
 * there) leads those after it that could go together in the block; any other step goes alone.
 */
export function groupEnd(steps: readonly SqlStep[], start: number, inTransactionBlock: boolean): number {
  if (!inTransactionBlock) return opensBlock(steps[start]!) ? inBlockEnd(steps, start + 1, start + 1) : start + 1;
  return inBlockEnd(steps, start, start + 1);
}

function inBlockEnd(steps: readonly SqlStep[], from: number, least: number): number {
  let end = from;
  while (end < steps.length && !goesAlone(steps[end]!)) end++;
  return Math.max(end, least);
}

function opensBlock(step: SqlStep): boolean {
  if (!/\b(begin|start)\b/i.test(step.sql)) return false;
  const statements = [...statementsOf(step.sql)];
  if (statements.length !== 1 || (step.params ?? []).length > 0) return false;
  const words = withoutComments(statements[0]!.sql).trim().toLowerCase().split(/\s+/);
  return /^(begin( transaction| work)?|start transaction)$/.test(words.join(' '));
}

/**
 * A step with a statement that ends the block or rolls back, or a COPY (one from STDIN would
 * take the steps behind it for its data); or with a parameter other than a string, number,
 * boolean or null, which the driver may fail to encode, failing the step without the server
 * seeing it (the block then not aborted, the steps behind it would run).
 */
function goesAlone(step: SqlStep): boolean {
  return (
    hasStatementGoingAlone(step.sql) || (step.params ?? []).some((p) => p !== null && !['string', 'number', 'boolean'].includes(typeof p))
  );
}

const GOING_ALONE_WORDS = /\b(commit|end|rollback|abort|copy|prepare)\b/i;

/**
 * Whether the script has a statement the server runs in a failed block (COMMIT, END, ROLLBACK,
 * to a savepoint too, ABORT, PREPARE TRANSACTION, COMMIT/ROLLBACK PREPARED) or a COPY.
 */
function hasStatementGoingAlone(script: string): boolean {
  // A statement's first word is a word of the script: without one of these, no statement to find.
  if (!GOING_ALONE_WORDS.test(script)) return false;
  for (const { sql } of statementsOf(script)) {
    const words = withoutComments(sql).trim().toLowerCase().split(/\s+/, 2);
    const [first, second] = [words[0] ?? '', words[1] ?? ''];
    if (['commit', 'end', 'rollback', 'abort', 'copy'].includes(first)) return true;
    if (first === 'prepare' && second === 'transaction') return true;
  }
  return false;
}
