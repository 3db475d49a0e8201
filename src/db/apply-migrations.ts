/**
 * Applies SQL files the way the Supabase CLI does: in the order given, each file in one
 * transaction, stopping at the first failure, reported as file, line and server message.
 * On an engine inside an outer transaction, each file is a savepoint instead.
 *
 * Extensions the engine does not have but Supabase does (pg_net, pg_cron, supabase_vault…) are
 * created through their stand-in (see emulation/extensions.ts): the `create extension` statement
 * is replaced by the stand-in's SQL, and the result names them so reports can say so.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.js';
import { commitDependence } from './commit-dependent.js';
import type { SqlEngine } from './engine.js';
import type { SqlStep, StepsRun } from './sql-steps.js';
import { lineOfPosition, SqlError, toSqlError } from './sql-error.js';
import { lineOfOffset, statementsIn, statementsOf } from './split-statements.js';
import { BATCH_CHARS, statementBatcher } from './statement-batches.js';
import { unitOfWork } from './transaction.js';
import { mayNeedHandling, planStatements, type EmulatedExtension, type ScriptPiece } from './extension-substitution.js';

export interface SqlFile {
  /** Shown in errors, e.g. `supabase/migrations/20260101000000_initial_schema.sql`. */
  readonly name: string;
  readonly sql: string;
}

/** A file that failed to apply; nothing of that file remains (its transaction rolled back). */
export class MigrationError extends Error {
  constructor(
    readonly file: string,
    /** 1-based line in the file, when the failing statement could be located. */
    readonly line: number | undefined,
    readonly sqlError: SqlError,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${sqlError.message}`);
    this.name = 'MigrationError';
  }
}

export const isMigrationError = (value: unknown): value is MigrationError => value instanceof MigrationError;

/**
 * A file whose transaction (or savepoint) could not start: the session was unusable before the
 * file ran (left in a failed transaction by its owner, its connection lost), so the file is not
 * to blame; named for the file the run stopped at.
 */
export class TransactionStartError extends Error {
  constructor(
    readonly file: string,
    readonly sqlError: SqlError,
  ) {
    super(`${file}: not run, as its transaction could not start: ${sqlError.message}`);
    this.name = 'TransactionStartError';
  }
}

/**
 * A file that must not run as a savepoint of an outer transaction (see commit-dependent.ts);
 * thrown before it runs, when the engine is inside one. Its caller applies the files on a
 * database of their own instead.
 */
export class NeedsOwnTransactionError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file} ${reason}: it needs a transaction of its own`);
    this.name = 'NeedsOwnTransactionError';
  }
}

export type { EmulatedExtension } from './extension-substitution.js';

export interface ApplyResult {
  /**
   * Extensions created through their stand-in ("DDL only: behaviour not verified"), each once,
   * in the order first created.
   */
  readonly emulatedExtensions: readonly EmulatedExtension[];
}

/** Steps of a unit's batch that are no piece of the file: its start, and its guard and commit. */
const BEGIN = -1;
const END = -2;

export async function applyMigrations(engine: SqlEngine, files: readonly SqlFile[]): Promise<ApplyResult> {
  const emulated = new Map<string, EmulatedExtension>();
  const identity = await sessionIdentity(engine);
  const guard = identityGuard(identity);
  let together: GatheredFile[] = [];
  let chars = 0;
  const applyGathered = async () => {
    if (together.length > 0) await applyTogether(engine, together, identity);
    together = [];
    chars = 0;
  };
  for (const file of files) {
    if (!appliesWithOthers(engine, file)) {
      await applyGathered();
      for (const extension of (await applyFile(engine, file, identity)).emulatedExtensions) {
        if (!emulated.has(extension.name)) emulated.set(extension.name, extension);
      }
      continue;
    }
    const steps = transactionSteps(engine, file.sql, guard);
    const sent = charsSent(steps);
    if (chars + sent > BATCH_CHARS) await applyGathered();
    together.push({ file, steps });
    chars += sent;
  }
  await applyGathered();
  return { emulatedExtensions: [...emulated.values()] };
}

/**
 * A file that can go to the engine with others (applyTogether): small, with no statement that
 * may be handled apart (extension-substitution, whose plan may ask the engine), and free to run
 * as a savepoint. Any other file is applied alone, once the files before it are.
 */
function appliesWithOthers(engine: SqlEngine, file: SqlFile): boolean {
  return file.sql.length <= BATCH_CHARS && !mayNeedHandling(file.sql) && !(engine.insideTransaction && commitDependence(file.sql));
}

/**
 * Files applied as applyFile applies each, in one request: each file's transaction is a batch,
 * and the first file that fails ends the request, so no file runs after a failed one. Each
 * hand-off to the embedded engine's worker costs about a millisecond, against about 7 for a
 * small file's SQL (150 files of a table each).
 */
async function applyTogether(engine: SqlEngine, gathered: readonly GatheredFile[], identity: SessionIdentity): Promise<void> {
  const runs = await engine.runBatches(
    gathered.map(({ steps }) => steps),
    { stopAtFailure: true },
  );
  for (const [index, run] of runs.entries()) {
    const failure = run && failureOf(run, TRANSACTION_ORIGIN, 0);
    if (!failure) continue;
    const { file } = gathered[index]!;
    throw await fileError(engine, file, [{ kind: 'sql', sql: file.sql, offset: 0 }], identity, failure);
  }
}

/** A file gathered to go with others, and its transaction as a batch (transactionSteps). */
interface GatheredFile {
  readonly file: SqlFile;
  readonly steps: readonly SqlStep[];
}

/**
 * A file's transaction: its first step (the unit's start), its last (the identity guard, then
 * the commit), and what undoes a step between them that fails.
 */
function fileTransaction(engine: SqlEngine, guard: string) {
  const unit = unitOfWork(engine);
  const undo = [unit.rollback];
  const start: SqlStep = { kind: 'exec', sql: unit.begin };
  const sql = `${guard};\n${unit.commit}`;
  // One statement as the embedded engine's worker runs it, one call (each statement of it would
  // be a call of its own). Of its statements only the commit can run long, as it runs the
  // deferred constraint triggers: a timeout is shown as theirs.
  const end: SqlStep = { kind: 'exec', sql, statements: Uint32Array.of(0, sql.length), undo, shownAs: DEFERRED_CHECKS };
  return { start, end, undo, rollback: unit.rollback };
}

/** What runs as a file's transaction commits, of the file's own doing. */
const DEFERRED_CHECKS = "the file's deferred constraints and constraint triggers, run as its transaction commits";

/** A small file's transaction as one batch: its start, the file as written, its end. */
function transactionSteps(engine: SqlEngine, sql: string, guard: string): SqlStep[] {
  const transaction = fileTransaction(engine, guard);
  return [transaction.start, { kind: 'exec', sql, undo: transaction.undo }, transaction.end];
}

/** The SQL a batch carries, its transaction control and undo scripts included: empty files add up too. */
const charsSent = (steps: readonly SqlStep[]): number =>
  steps.reduce((sum, step) => sum + step.sql.length + (step.undo ?? []).reduce((n, undo) => n + undo.length, 0), 0);

/** Where each of transactionSteps' steps comes from (see failureOf): the unit's start, the file's one piece, its end. */
const TRANSACTION_ORIGIN: readonly number[] = [BEGIN, 0, END];

/** One file in one transaction (also how seed.sql is applied). */
export async function applySqlFile(engine: SqlEngine, file: SqlFile): Promise<ApplyResult> {
  return (await fileApplier(engine))(file);
}

/**
 * Applies files one at a time, each as applySqlFile does, for a caller with work between them.
 * A file that changes the session's role fails: every file starts as the session is now.
 */
export async function fileApplier(engine: SqlEngine): Promise<(file: SqlFile) => Promise<ApplyResult>> {
  const identity = await sessionIdentity(engine);
  return (file) => applyFile(engine, file, identity);
}

async function applyFile(engine: SqlEngine, file: SqlFile, identity: SessionIdentity): Promise<ApplyResult> {
  const dependence = engine.insideTransaction ? commitDependence(file.sql) : null;
  if (dependence) throw new NeedsOwnTransactionError(file.name, dependence);
  const plan = await planStatements(engine, file.sql);
  const pieces = inBatches(plan?.pieces ?? [{ kind: 'sql', sql: file.sql, offset: 0 }], file.sql.length);
  const failure = await runInTransaction(engine, pieces, identityGuard(identity));
  if (!failure) return { emulatedExtensions: plan?.emulated ?? [] };
  throw await fileError(engine, file, pieces, identity, failure);
}

/** A file's transaction that failed, with the error and the piece that raised it (BEGIN: it did not start). */
interface FileFailure {
  readonly error: SqlError;
  readonly index: number;
  readonly identityChanged: boolean;
  /** Raised as the transaction ended (the identity guard, or a deferred constraint at its commit). */
  readonly atEnd: boolean;
}

/** The error a file's failure is reported as, located in the file. */
async function fileError(
  engine: SqlEngine,
  file: SqlFile,
  pieces: readonly ScriptPiece[],
  identity: SessionIdentity,
  failure: FileFailure,
): Promise<Error> {
  if (failure.index === BEGIN) return new TransactionStartError(file.name, failure.error);
  if (failure.identityChanged) return identityChanged(engine, file, identity, failure.error);
  // No statement of the file raised it: replaying them one by one would find none.
  if (failure.atEnd) return new MigrationError(file.name, undefined, failure.error);
  const { error, index } = failure;
  const piece = pieces[index]!;
  const line =
    piece.kind === 'sql'
      ? (lineInPiece(file.sql, piece, error) ?? (await locateFailingStatement(engine, file.sql, pieces, index)))
      : lineOfOffset(file.sql, piece.offset);
  return new MigrationError(file.name, line, line === 1 ? withByteOrderMarkHint(file.sql, error) : error);
}

/** The failure of a batch whose steps come from `origin` (a piece's index, BEGIN or END); `last`: the file's last piece. */
function failureOf(run: StepsRun, origin: readonly number[], last: number): FileFailure | null {
  if (!run.failure) return null;
  const { error } = run.failure;
  const at = origin[run.failure.step]!;
  if (at === BEGIN) return { error, index: BEGIN, identityChanged: false, atEnd: false };
  if (at === END) return { error, index: last, identityChanged: error.code === IDENTITY_CHANGED, atEnd: true };
  return { error, index: at, identityChanged: false, atEnd: false };
}

/**
 * The Supabase CLI sends a file's byte order mark to the server, which reads it as part of the
 * first word (psql drops it): the file fails there, and the error shows nothing visible.
 */
function withByteOrderMarkHint(sql: string, error: SqlError): SqlError {
  if (sql.charCodeAt(0) !== 0xfeff || error.hint !== undefined) return error;
  const hint = 'The file begins with a UTF-8 byte order mark (U+FEFF), which the Supabase CLI sends to the server: save it without one.';
  return new SqlError(error.message, error.code, error.position, error.detail, hint, error.where);
}

interface SessionIdentity {
  readonly session: string;
  readonly current: string;
}

async function sessionIdentity(engine: SqlEngine): Promise<SessionIdentity> {
  const [row] = await engine.query<SessionIdentity>('select session_user::text as session, current_user::text as current');
  return row!;
}

// Without its comments: the engine parses what it is sent, once per file.
const IDENTITY_GUARD_SQL = readFileSync(path.join(packageRoot, 'resources', 'db', 'identity-guard.sql'), 'utf8').replace(/^--.*\n/gm, '');
/** The SQLSTATE identity-guard.sql raises. */
const IDENTITY_CHANGED = 'CS001';

/** The statement that fails a file's transaction when the file leaves the session as other roles than `identity`. */
function identityGuard(identity: SessionIdentity): string {
  return IDENTITY_GUARD_SQL.replace(':session_name', () => literalInDollarQuotes(identity.session)).replace(':current_name', () =>
    literalInDollarQuotes(identity.current),
  );
}

/** A string literal that cannot end the dollar-quoted body it is written in: `$` is spelled pg_catalog.chr(36). */
function literalInDollarQuotes(value: string): string {
  return `'${value.replaceAll("'", "''").replaceAll('$', "' || pg_catalog.chr(36) || '")}'`;
}

/**
 * A file must leave the session as the role it started as (postgres on the embedded engine): on
 * a project a migration cannot become another session user, and a role it sets and keeps would
 * run the files after it. Its transaction rolled back, which undid the roles it set; one that
 * committed on its own is put back here. The file fails.
 */
async function identityChanged(engine: SqlEngine, file: SqlFile, before: SessionIdentity, error: SqlError): Promise<MigrationError> {
  const [session, current] = JSON.parse(error.detail ?? '[]') as [string?, string?];
  const after = await sessionIdentity(engine).catch(() => before);
  if (after.session !== before.session) await engine.exec(`set session authorization ${quoteIdent(before.session)}`).catch(() => undefined);
  if (after.current !== before.current || after.session !== before.session) {
    await engine.exec(before.current === before.session ? 'reset role' : `set role ${quoteIdent(before.current)}`).catch(() => undefined);
  }
  const now = session === current ? session : `${current} (session user ${session})`;
  return new MigrationError(
    file.name,
    undefined,
    new SqlError(
      `the file leaves the session as ${now}, not ${before.current}: changing the session's role for the files after it is not allowed on Supabase`,
      '42501',
      undefined,
      undefined,
      'Reset the role before the file ends (reset role), or use set local role inside a transaction.',
    ),
  );
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Runs the pieces in one transaction, which `guard` ends with before it commits; returns the
 * error and the piece that raised it, rolled back, or BEGIN when the transaction did not start. The SQL from the transaction's start to its
 * end, or to a substituted statement, goes to the engine as one batch (one hand-off to the
 * embedded engine's worker): a small file is one call. A batch is sent once it holds about
 * BATCH_CHARS of SQL: a large file's batches are never all in flight at once (a 20 MiB file
 * sent whole was copied into the worker whole, and held there until its last statement ran).
 */
async function runInTransaction(engine: SqlEngine, pieces: readonly ScriptPiece[], guard: string): Promise<FileFailure | null> {
  const transaction = fileTransaction(engine, guard);
  const { undo } = transaction;
  // The batch being gathered, and where each of its steps comes from: a piece's index, or the
  // unit's own start or end.
  let steps: SqlStep[] = [transaction.start];
  let origin: number[] = [BEGIN];
  let chars = 0;
  const flush = async (): Promise<FileFailure | null> => {
    if (steps.length === 0) return null;
    const run = await engine.runSteps(steps);
    const from = origin;
    steps = [];
    origin = [];
    chars = 0;
    return failureOf(run, from, pieces.length - 1);
  };
  for (const [index, piece] of pieces.entries()) {
    if (piece.kind === 'sql') {
      steps.push({ kind: 'exec', sql: piece.sql, ...(piece.statements ? { statements: piece.statements } : {}), undo });
      origin.push(index);
      chars += piece.sql.length;
      if (chars < BATCH_CHARS) continue;
      const failed = await flush();
      if (failed) return failed;
      continue;
    }
    const failed = await flush();
    if (failed) return failed;
    try {
      await piece.run(engine);
    } catch (error) {
      await engine.exec(transaction.rollback).catch(() => {});
      return { error: toSqlError(error), index, identityChanged: false, atEnd: false };
    }
  }
  steps.push(transaction.end);
  origin.push(END);
  return flush();
}

/** A large file's own SQL in batches of whole statements (see statement-batches.ts). */
function inBatches(pieces: readonly ScriptPiece[], length: number): readonly ScriptPiece[] {
  if (length <= BATCH_CHARS) return pieces;
  const batches = statementBatcher();
  return pieces.flatMap((piece): ScriptPiece[] =>
    piece.kind === 'sql'
      ? batches(piece.sql, piece.offset, piece.statements).map((batch) => ({ kind: 'sql' as const, ...batch }))
      : [piece],
  );
}

function runPiece(engine: SqlEngine, piece: ScriptPiece): Promise<void> {
  return piece.kind === 'sql' ? engine.exec(piece.sql, piece.statements) : piece.run(engine);
}

/** The line in the file of an error that has a position in a piece of it. */
function lineInPiece(script: string, piece: ScriptPiece & { kind: 'sql' }, error: SqlError): number | undefined {
  const line = error.lineIn(piece.sql);
  return line === undefined ? undefined : lineOfOffset(script, piece.offset) + line - 1;
}

/**
 * Errors raised while executing (a constraint, a division by zero) carry no position. Replays
 * the pieces before the failing one, then that one statement by statement, in a transaction that
 * is rolled back, to find the line of the first statement that fails.
 */
async function locateFailingStatement(
  engine: SqlEngine,
  script: string,
  pieces: readonly ScriptPiece[],
  failing: number,
): Promise<number | undefined> {
  const unit = unitOfWork(engine);
  await engine.exec(unit.begin);
  try {
    for (const piece of pieces.slice(0, failing)) await runPiece(engine, piece);
    const piece = pieces[failing]!;
    if (piece.kind !== 'sql') return lineOfOffset(script, piece.offset);
    for (const statement of piece.statements ? statementsIn(piece.sql, piece.statements) : statementsOf(piece.sql)) {
      try {
        await engine.exec(statement.sql);
      } catch (error) {
        return lineInStatement(script, piece.offset + statement.offset, statement.sql, toSqlError(error));
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    await engine.exec(unit.rollback).catch(() => {});
  }
}

/**
 * The line of `error` inside a statement that starts at `offset`: its position when it has one;
 * for a DO block, the PL/pgSQL line from the error context (counted from the opening quote);
 * else the statement's first line.
 */
function lineInStatement(script: string, offset: number, statement: string, error: SqlError): number {
  const startLine = lineOfOffset(script, offset);
  if (error.position !== undefined) return startLine + lineOfPosition(statement, error.position) - 1;
  const blockLine = /inline_code_block line (\d+)/.exec(error.where ?? '')?.[1];
  const body = /^do\s+(?:language\s+\w+\s+)?(\$[A-Za-z_0-9]*\$)/i.exec(statement);
  if (blockLine && body) return startLine + lineOfOffset(statement, body[0].length) - 1 + Number(blockLine) - 1;
  return startLine;
}
