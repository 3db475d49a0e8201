/**
 * Steps on a server, several per round trip where that cannot change what they do. Inside a
 * transaction block that has not failed, a statement that fails aborts the block, and the server
 * then refuses every statement but one that ends the block or rolls back to a savepoint. So the
 * steps up to the next such statement can be sent together: those behind the first that fails
 * are refused (they change nothing), and its undo, sent after them, finds the block as it would
 * have right after the failure. Outside a block each statement commits on its own, so a step
 * there is sent alone, as is a step that ends the block or rolls back, and a COPY. In a block, a
 * script's statements go one by one (as the embedded engine's worker runs them), which changes
 * nothing there: each keeps its own time limit, counted from when the one before it is answered,
 * and the statement that fails is known without running the script again.
 */
import { statementsIn, statementsOf, withoutComments, type ScriptStatement } from './split-statements.js';
import { cancelledStatementError, QUERY_CANCELED, SqlError, toSqlError } from './sql-error.js';
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

/** What goes to the server for a step: the step whole, or one statement of its script (`statement`). */
interface Part {
  readonly step: number;
  readonly statement: ScriptStatement | null;
  /** The step's last part: its answer is the step's rows. */
  readonly last: boolean;
}

/**
 * How many parts may await their answers at once. A script of many small statements (a data
 * migration's inserts) then costs a bounded amount of memory: 50,000 one-row inserts all in flight
 * took 1.8 s and 150 MiB of the driver's queries; 64 at a time 0.9 s, as one script 0.6 s.
 */
const PIPELINE_WINDOW = 64;

export async function runStepsPipelined(session: PipelineSession, steps: readonly SqlStep[]): Promise<StepsRun> {
  const rows: Record<string, unknown>[][] = [];
  let next = 0;
  while (next < steps.length) {
    const inBlock = session.inTransactionBlock();
    const end = groupEnd(steps, next, inBlock);
    const parts = partsOf(steps, next, end, inBlock);
    const inFlight: (Part & { readonly answer: Promise<Record<string, unknown>[]> })[] = [];
    let refused = false;
    const sendMore = () => {
      while (!refused && inFlight.length < PIPELINE_WINDOW) {
        const part = parts.next();
        if (part.done) return;
        const { step, statement } = part.value;
        let answer: Promise<Record<string, unknown>[]>;
        try {
          answer = session.send(statement ? { kind: 'exec', sql: statement.sql } : steps[step]!);
        } catch (error) {
          // Refused before it was sent: nothing is sent after it.
          answer = Promise.reject(error);
          refused = true;
        }
        // Answers behind a failure are refusals nobody reads.
        answer.catch(() => undefined);
        inFlight.push({ ...part.value, answer });
      }
    };
    sendMore();
    for (let part = inFlight.shift(); part; part = inFlight.shift()) {
      try {
        const answer = await session.within(() => part!.answer);
        if (part.last) rows.push(part.statement ? [] : answer);
      } catch (error) {
        // Each refusal behind it under the time limit too: a session that stopped answering fails them.
        await Promise.allSettled(inFlight.map((refusal) => session.within(() => refusal.answer)));
        const step = steps[part.step]!;
        const failure = part.statement ? inScript(toSqlError(error), step.sql, part.statement) : ofWholeStep(toSqlError(error), step);
        return { rows, failure: { step: part.step, error: failure }, undoError: await undo(session, step) };
      }
      sendMore();
    }
    next = end;
  }
  return { rows, failure: null, undoError: null };
}

/** The parts of the steps from `start` to `end` that go together, in order. */
function* partsOf(steps: readonly SqlStep[], start: number, end: number, inBlock: boolean): Generator<Part> {
  for (let step = start; step < end; step++) {
    // Outside a block only a step that opens one leads a group: those after it run in the block.
    const statements = inBlock || step > start ? statementsToSend(steps[step]!) : null;
    if (!statements) {
      yield { step, statement: null, last: true };
      continue;
    }
    for (let i = 0; i < statements.length; i++) yield { step, statement: statements[i]!, last: i === statements.length - 1 };
  }
}

/**
 * The statements of a script sent one by one in a block, or null: the step goes whole (a query,
 * a script of one statement, or one with a statement that goes alone).
 */
function statementsToSend(step: SqlStep): readonly ScriptStatement[] | null {
  if (step.kind !== 'exec' || goesAlone(step)) return null;
  const statements = statementsOfStep(step);
  return statements.length > 1 ? statements : null;
}

const splitSteps = new WeakMap<SqlStep, readonly ScriptStatement[]>();

/** A step's statements, found once however many times a run asks (what goes alone, what is sent apart). */
function statementsOfStep(step: SqlStep): readonly ScriptStatement[] {
  let statements = splitSteps.get(step);
  if (!statements) {
    statements = step.statements ? [...statementsIn(step.sql, step.statements)] : [...statementsOf(step.sql)];
    splitSteps.set(step, statements);
  }
  return statements;
}

/**
 * The error of one statement sent apart, as the script's: its position moved to where the
 * statement is in the script; a cancelled one (past the time limit) names the statement and
 * points at it, as no position comes with it.
 */
function inScript(error: SqlError, script: string, statement: ScriptStatement): SqlError {
  const before = [...script.slice(0, statement.offset)].length;
  if (error.position !== undefined) {
    return new SqlError(error.message, error.code, error.position + before, error.detail, error.hint, error.where);
  }
  if (error.code !== QUERY_CANCELED) return error;
  return cancelledStatementError(error.message, script, { offset: statement.offset, end: statement.offset + statement.sql.length }, error);
}

/**
 * The error of a step sent whole: a cancelled one names what the step says it runs (SqlStep's
 * `shownAs`), or its statement when it has only one; a script's statements cannot be told apart.
 */
function ofWholeStep(error: SqlError, step: SqlStep): SqlError {
  if (error.code !== QUERY_CANCELED || error.position !== undefined) return error;
  if (step.shownAs !== undefined)
    return new SqlError(`${error.message}: ${step.shownAs}`, error.code, undefined, error.detail, error.hint, error.where);
  const statements = statementsOfStep(step);
  return statements.length === 1 ? inScript(error, step.sql, statements[0]!) : error;
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
  const statements = statementsOfStep(step);
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
  return hasStatementGoingAlone(step) || (step.params ?? []).some((p) => p !== null && !['string', 'number', 'boolean'].includes(typeof p));
}

const GOING_ALONE_WORDS = /\b(commit|end|rollback|abort|copy|prepare)\b/i;

/**
 * Whether the script has a statement the server runs in a failed block (COMMIT, END, ROLLBACK,
 * to a savepoint too, ABORT, PREPARE TRANSACTION, COMMIT/ROLLBACK PREPARED) or a COPY.
 */
function hasStatementGoingAlone(step: SqlStep): boolean {
  // A statement's first word is a word of the script: without one of these, no statement to find.
  if (!GOING_ALONE_WORDS.test(step.sql)) return false;
  for (const { sql } of statementsOfStep(step)) {
    const words = withoutComments(sql).trim().toLowerCase().split(/\s+/, 2);
    const [first, second] = [words[0] ?? '', words[1] ?? ''];
    if (['commit', 'end', 'rollback', 'abort', 'copy'].includes(first)) return true;
    if (first === 'prepare' && second === 'transaction') return true;
  }
  return false;
}
