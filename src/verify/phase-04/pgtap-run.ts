/**
 * Runs one pgTAP file as pg_prove does (psql in autocommit with ON_ERROR_STOP): statement by
 * statement, each committed on its own unless the file opened a transaction; the first error
 * stops the file and a transaction it left open is rolled back, as when psql disconnects.
 *
 * On an engine inside an outer transaction (the embedded engine's grant-mode session), BEGIN,
 * COMMIT and ROLLBACK become savepoints and each autocommitted statement a savepoint of its own,
 * so a file's ROLLBACK undoes only what the file's transaction did, and what it committed stays.
 */
import type { SqlEngine } from '../../db/engine.js';
import { lineOfPosition, SqlError, toSqlError } from '../../db/sql-error.js';
import { unitOfWork, type UnitOfWork } from '../../db/transaction.js';
import type { ScriptStep } from './psql-script.js';

export interface FileRun {
  /** The rows the file's statements returned, one line per value: its TAP stream. */
  readonly lines: readonly string[];
  /** The error that stopped the file, with its line in the file. */
  readonly error: { readonly sqlError: SqlError; readonly line: number } | null;
}

export async function runPsqlSteps(engine: SqlEngine, steps: readonly ScriptStep[]): Promise<FileRun> {
  const lines: string[] = [];
  let block: UnitOfWork | null = null;
  try {
    for (const step of steps) {
      try {
        block = await runStep(engine, step, block, lines);
      } catch (error) {
        const sqlError = toSqlError(error);
        const offset = sqlError.position === undefined ? 0 : lineOfPosition(step.sql, sqlError.position) - 1;
        return { lines, error: { sqlError, line: step.line + offset } };
      }
    }
    return { lines, error: null };
  } finally {
    // The file ended, or stopped, inside its transaction: psql's disconnect rolls it back.
    if (block) await engine.exec(block.rollback).catch(() => undefined);
  }
}

/** Runs one step; returns the file's open transaction after it (null: none). */
async function runStep(engine: SqlEngine, step: ScriptStep, block: UnitOfWork | null, lines: string[]): Promise<UnitOfWork | null> {
  switch (step.kind) {
    case 'begin': {
      // Inside a transaction PostgreSQL only warns.
      if (block) return block;
      const opened = unitOfWork(engine);
      await engine.exec(opened.begin);
      return opened;
    }
    case 'commit':
    case 'rollback': {
      if (!block) return null;
      if (step.kind === 'rollback') {
        await engine.exec(block.rollback);
        return null;
      }
      try {
        await engine.exec(block.commit);
      } catch (error) {
        await engine.exec(block.rollback).catch(() => undefined);
        throw error;
      }
      return null;
    }
    case 'savepoint':
      if (!block) {
        const verb = step.sql.split(/\s+/)[0]!.toUpperCase();
        throw new SqlError(
          `${verb === 'ROLLBACK' ? 'ROLLBACK TO SAVEPOINT' : verb} can only be used in transaction blocks`,
          '25P01',
          undefined,
        );
      }
      collect(lines, await engine.query(step.sql));
      return block;
    case 'statement':
      if (block || !engine.insideTransaction) {
        collect(lines, await engine.query(step.sql));
        return block;
      }
      await autocommitted(engine, step.sql, lines);
      return null;
  }
}

/** One statement committed on its own, within the outer transaction. */
async function autocommitted(engine: SqlEngine, sql: string, lines: string[]): Promise<void> {
  const unit = unitOfWork(engine);
  await engine.exec(unit.begin);
  try {
    collect(lines, await engine.query(sql));
  } catch (error) {
    await engine.exec(unit.rollback).catch(() => undefined);
    throw error;
  }
  try {
    await engine.exec(unit.commit);
  } catch (error) {
    await engine.exec(unit.rollback).catch(() => undefined);
    throw error;
  }
}

function collect(lines: string[], rows: readonly Record<string, unknown>[]): void {
  for (const row of rows) {
    for (const value of Object.values(row)) if (value !== null && value !== undefined) lines.push(String(value));
  }
}

/**
 * The session settings a file may change for the next (role, search_path, custom settings),
 * put back as they were: one psql session per file on a server, one shared session here.
 */
export async function restoringSession<T>(engine: SqlEngine, run: () => Promise<T>): Promise<T> {
  const [who] = await engine.query<{ session_user: string }>('select session_user::text as session_user');
  const settings = await engine.query<{ name: string; setting: string }>(
    `select name, setting from pg_catalog.pg_settings where source = 'session' and name not in ('role', 'session_authorization')`,
  );
  try {
    return await run();
  } finally {
    await engine.exec(`set session authorization ${quoteIdent(who!.session_user)}; reset all`).catch(() => undefined);
    for (const { name, setting } of settings) {
      await engine.query('select pg_catalog.set_config($1, $2, false)', [name, setting]).catch(() => undefined);
    }
  }
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
