/**
 * Applies SQL files the way the Supabase CLI does: in the order given, each file in one
 * transaction, stopping at the first failure, reported as file, line and server message.
 * On an engine inside an outer transaction, each file is a savepoint instead.
 */
import { commitDependence } from './commit-dependent.js';
import type { SqlEngine } from './engine.js';
import { lineOfPosition, SqlError, toSqlError } from './sql-error.js';
import { splitStatements } from './split-statements.js';
import { unitOfWork } from './transaction.js';

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

export async function applyMigrations(engine: SqlEngine, files: readonly SqlFile[]): Promise<void> {
  for (const file of files) await applySqlFile(engine, file);
}

/** One file in one transaction (also how seed.sql is applied). */
export async function applySqlFile(engine: SqlEngine, file: SqlFile): Promise<void> {
  const dependence = engine.insideTransaction ? commitDependence(file.sql) : null;
  if (dependence) throw new NeedsOwnTransactionError(file.name, dependence);
  const error = await runInTransaction(engine, file.sql);
  if (!error) return;
  const line = error.lineIn(file.sql) ?? (await locateFailingStatement(engine, file.sql));
  throw new MigrationError(file.name, line, error);
}

/** Runs the script in a transaction; returns the error instead of throwing it, rolled back. */
async function runInTransaction(engine: SqlEngine, sql: string): Promise<SqlError | null> {
  const unit = unitOfWork(engine);
  await engine.exec(unit.begin);
  try {
    await engine.exec(sql);
    await engine.exec(unit.commit);
    return null;
  } catch (error) {
    await engine.exec(unit.rollback).catch(() => {});
    return toSqlError(error);
  }
}

/**
 * Errors raised while executing (a constraint, a division by zero) carry no position. Replays
 * the file statement by statement in a transaction that is rolled back, to find the line of
 * the first statement that fails.
 */
async function locateFailingStatement(engine: SqlEngine, script: string): Promise<number | undefined> {
  const unit = unitOfWork(engine);
  await engine.exec(unit.begin);
  try {
    for (const statement of splitStatements(script)) {
      try {
        await engine.exec(statement.sql);
      } catch (error) {
        return lineInStatement(script, statement.offset, statement.sql, toSqlError(error));
      }
    }
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

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}
