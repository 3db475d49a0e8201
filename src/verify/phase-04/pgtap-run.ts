/**
 * Runs one pgTAP file as pg_prove does (psql in autocommit with ON_ERROR_STOP): statement by
 * statement, each committed on its own unless the file opened a transaction; the first error
 * stops the file and a transaction it left open is rolled back, as when psql disconnects.
 *
 * On an engine inside an outer transaction (the embedded engine's grant-mode session), BEGIN,
 * COMMIT and ROLLBACK become savepoints and each autocommitted statement a savepoint of its own,
 * so a file's ROLLBACK undoes only what the file's transaction did, and what it committed stays.
 */
import type { SqlEngine, SqlStep } from '../../db/engine.js';
import { lineOfPosition, SqlError } from '../../db/sql-error.js';
import { unitOfWork, type UnitOfWork } from '../../db/transaction.js';
import type { ScriptStep } from './psql-script.js';

export interface FileRun {
  /** The rows the file's statements returned, one line per value: its TAP stream. */
  readonly lines: readonly string[];
  /** The error that stopped the file, with its line in the file. */
  readonly error: { readonly sqlError: SqlError; readonly line: number } | null;
}

export async function runPsqlSteps(engine: SqlEngine, steps: readonly ScriptStep[]): Promise<FileRun> {
  const plan = planFile(engine, steps);
  const run = await engine.runSteps(plan.batch);
  const lines: string[] = [];
  for (const rows of run.rows) collect(lines, rows);
  const failure = run.failure && run.failure.step !== plan.closingStep ? run.failure : null;
  const stop = failure ? { step: steps[plan.origin[failure.step]!]!, sqlError: failure.error } : plan.stop;
  if (!stop) return { lines, error: null };
  const { step, sqlError } = stop;
  const offset = sqlError.position === undefined ? 0 : lineOfPosition(step.sql, sqlError.position) - 1;
  return { lines, error: { sqlError, line: step.line + offset } };
}

interface FilePlan {
  /** The file's statements and its transaction control, as one batch. */
  readonly batch: readonly SqlStep[];
  /** The index in the file's steps of each step of the batch. */
  readonly origin: readonly number[];
  /** The rollback of a transaction the file left open (its failure is psql's disconnect, not the file's). */
  readonly closingStep: number | null;
  /** An error psql's server gives without running anything (a savepoint outside a transaction), which ends the batch. */
  readonly stop: { readonly step: ScriptStep; readonly sqlError: SqlError } | null;
}

/**
 * The file as a batch. Where a transaction stands after each step follows from the steps alone
 * (the first error ends the file), so the batch is planned ahead; a step's undo is what psql
 * would do after it failed: roll back the statement's own unit, then the file's open transaction.
 */
function planFile(engine: SqlEngine, steps: readonly ScriptStep[]): FilePlan {
  const batch: SqlStep[] = [];
  const origin: number[] = [];
  let block: UnitOfWork | null = null;
  const add = (index: number, step: SqlStep) => {
    batch.push(step);
    origin.push(index);
  };
  const closing = () => (block ? [block.rollback] : []);
  for (const [index, step] of steps.entries()) {
    switch (step.kind) {
      case 'begin':
        // Inside a transaction PostgreSQL only warns.
        if (block) break;
        block = unitOfWork(engine);
        add(index, { kind: 'exec', sql: block.begin });
        break;
      case 'commit':
      case 'rollback':
        if (!block) break;
        // A failed commit is rolled back, and the transaction still open then too.
        add(index, {
          kind: 'exec',
          sql: step.kind === 'commit' ? block.commit : block.rollback,
          undo: step.kind === 'commit' ? [block.rollback, block.rollback] : [block.rollback],
        });
        block = null;
        break;
      case 'savepoint':
        if (!block) {
          const verb = step.sql.split(/\s+/)[0]!.toUpperCase();
          const sqlError = new SqlError(
            `${verb === 'ROLLBACK' ? 'ROLLBACK TO SAVEPOINT' : verb} can only be used in transaction blocks`,
            '25P01',
            undefined,
          );
          return { batch, origin, closingStep: null, stop: { step, sqlError } };
        }
        add(index, { kind: 'query', sql: step.sql, undo: closing() });
        break;
      case 'statement': {
        const copy = step.copyData === undefined ? {} : { copyData: step.copyData };
        if (block || !engine.insideTransaction) {
          add(index, { kind: 'query', sql: step.sql, ...copy, undo: closing() });
          break;
        }
        // One statement committed on its own, within the outer transaction.
        const unit = unitOfWork(engine);
        add(index, { kind: 'exec', sql: unit.begin });
        add(index, { kind: 'query', sql: step.sql, ...copy, undo: [unit.rollback] });
        add(index, { kind: 'exec', sql: unit.commit, undo: [unit.rollback] });
        break;
      }
    }
  }
  // The file ended inside its transaction: psql's disconnect rolls it back.
  if (!block) return { batch, origin, closingStep: null, stop: null };
  add(steps.length, { kind: 'exec', sql: closing()[0]! });
  return { batch, origin, closingStep: batch.length - 1, stop: null };
}

function collect(lines: string[], rows: readonly Record<string, unknown>[]): void {
  for (const row of rows) {
    for (const value of Object.values(row)) if (value !== null && value !== undefined) lines.push(String(value));
  }
}

/**
 * The session settings a file may change for the next (role, search_path, custom settings),
 * put back as they were: one psql session per file on a server, one shared session here. One
 * request reads them before the file, one puts them back after it; a step of that which fails
 * does not keep the ones after it from running.
 */
export async function restoringSession<T>(engine: SqlEngine, run: () => Promise<T>): Promise<T> {
  const [before] = await engine.query<{ session_user: string; settings: { name: string; setting: string }[] }>(
    `select session_user::text as session_user,
            (select coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('name', name, 'setting', setting)), '[]')
               from pg_catalog.pg_settings
              where source = 'session' and name not in ('role', 'session_authorization')) as settings`,
  );
  try {
    return await run();
  } finally {
    let rest: SqlStep[] = [
      { kind: 'exec', sql: `set session authorization ${quoteIdent(before!.session_user)}; reset all` },
      ...before!.settings.map(({ name, setting }): SqlStep => ({
        kind: 'query',
        sql: 'select pg_catalog.set_config($1, $2, false)',
        params: [name, setting],
      })),
    ];
    while (rest.length > 0) {
      const run = await engine.runSteps(rest).catch(() => null);
      if (!run?.failure) break;
      rest = rest.slice(run.failure.step + 1);
    }
  }
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
