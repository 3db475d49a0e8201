import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  fileApplier,
  isMigrationError,
  NeedsOwnTransactionError,
  TransactionStartError,
  type SqlFile,
} from '../../src/db/apply-migrations.js';
import { commitDependence } from '../../src/db/commit-dependent.js';
import type { SqlEngine } from '../../src/db/engine.js';
import { inRolledBackTransaction } from '../../src/db/standin.js';
import { insideOuterTransaction, keptUnlessThrown } from '../../src/db/transaction.js';
import { ENGINE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/db-postgres.js';

/** Migrations applied inside a transaction the caller owns: each file a savepoint. */
async function tableExists(engine: SqlEngine, name: string): Promise<boolean> {
  const rows = await engine.query<{ t: string | null }>(`select to_regclass($1)::text as t`, [name]);
  return rows[0]?.t !== null;
}

async function outcome(engine: SqlEngine, files: SqlFile[]): Promise<unknown> {
  return applyMigrations(engine, files).then(
    () => null,
    (e: unknown) => e,
  );
}

describe.each(ENGINE_KINDS)('inside an outer transaction on %s', (kind) => {
  let db: TestDatabase;
  let inner: SqlEngine;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    inner = insideOuterTransaction(db.engine);
  });
  afterAll(() => db.dispose());

  /** Runs `fn` in an outer transaction, checks it is still intact at the end, rolls it back. */
  async function inOuter(fn: () => Promise<void>): Promise<void> {
    await db.engine.exec('begin; savepoint outer_probe');
    try {
      await fn();
      await db.engine.exec('rollback to savepoint outer_probe');
    } finally {
      await db.engine.exec('rollback');
    }
  }

  it('applies files in order; a failing file is reported with its line and undone alone', async () => {
    await inOuter(async () => {
      const error = await outcome(inner, [
        { name: 'ok.sql', sql: 'create table public.kept (id int);' },
        {
          name: 'bad.sql',
          sql: 'create table public.dropped (id int);\n\ninsert into public.kept values (1);\ninsert into public.kept\n  values (1 / 0);\n',
        },
      ]);
      if (!isMigrationError(error)) throw new Error(`expected a MigrationError, got ${String(error)}`);
      expect([error.file, error.line, error.sqlError.code]).toEqual(['bad.sql', 4, '22012']);
      expect(await tableExists(db.engine, 'public.kept')).toBe(true);
      expect(await tableExists(db.engine, 'public.dropped')).toBe(false);
    });
    expect(await tableExists(db.engine, 'public.kept')).toBe(false);
  });

  it('checks deferred constraints when a file ends, and leaves them deferred for the next file', async () => {
    await inOuter(async () => {
      await applyMigrations(inner, [
        {
          name: 'links.sql',
          sql: [
            'create table public.targets (id int primary key);',
            'create table public.links (target int references public.targets deferrable initially deferred);',
            // Deferred: the target may come later in the same file.
            'insert into public.links values (1);',
            'insert into public.targets values (1);',
          ].join('\n'),
        },
        { name: 'more.sql', sql: 'insert into public.links values (2);\ninsert into public.targets values (2);' },
      ]);
      const error = await outcome(inner, [{ name: 'broken.sql', sql: 'insert into public.links values (3);' }]);
      if (!isMigrationError(error)) throw new Error(`expected a MigrationError, got ${String(error)}`);
      expect([error.file, error.sqlError.code]).toEqual(['broken.sql', '23503']);
      const rows = await db.engine.query<{ n: number }>('select count(*)::int as n from public.links');
      expect(rows[0]?.n).toBe(2);
    });
  });

  it('refuses, before running it, a file whose effect depends on its transaction ending', async () => {
    await inOuter(async () => {
      const error = await outcome(inner, [{ name: 'own.sql', sql: 'create table public.early (id int);\nbegin;\nselect 1;\ncommit;' }]);
      expect(error).toBeInstanceOf(NeedsOwnTransactionError);
      expect((error as Error).message).toBe('own.sql ends or opens a transaction: it needs a transaction of its own');
      expect(await tableExists(db.engine, 'public.early')).toBe(false);
    });
  });

  it('names the file whose savepoint could not start in an aborted outer transaction, and leaves that transaction to its owner', async () => {
    await inOuter(async () => {
      const apply = await fileApplier(inner);
      await db.engine.exec('select 1 / 0').catch(() => undefined);
      const file = { name: 'next.sql', sql: 'create table public.not_started (id int);' };
      const error = await apply(file).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TransactionStartError);
      expect(isMigrationError(error)).toBe(false);
      expect([(error as TransactionStartError).file, (error as TransactionStartError).sqlError.code]).toEqual(['next.sql', '25P02']);
      await db.engine.exec('rollback to savepoint outer_probe');
      await apply(file);
      expect(await tableExists(db.engine, 'public.not_started')).toBe(true);
    });
  });

  it('nests rolled-back transactions and keeps or undoes a step as a whole', async () => {
    await inOuter(async () => {
      await keptUnlessThrown(inner, () => inner.exec('create table public.step (id int)'));
      await expect(
        keptUnlessThrown(inner, async () => {
          await inner.exec('insert into public.step values (1)');
          await inner.exec('select 1 / 0');
        }),
      ).rejects.toThrow(/division by zero/);
      await inRolledBackTransaction(inner, () => inner.exec('insert into public.step values (2)'));
      const rows = await db.engine.query<{ n: number }>('select count(*)::int as n from public.step');
      expect(rows[0]?.n).toBe(0);
    });
  });
});

describe('commitDependence', () => {
  it('names SQL that needs a transaction of its own, and only that', () => {
    expect(commitDependence('BEGIN;\ncreate table t (id int);\nCOMMIT;')).toBe('ends or opens a transaction');
    expect(commitDependence("alter type public.color add value 'blue';")).toBe('adds an enum value');
    expect(commitDependence("set local search_path = '';")).toBe('sets a transaction-local setting');
    expect(commitDependence("select pg_catalog.set_config('search_path', '', true);")).toBe('sets a transaction-local setting');
    expect(commitDependence("select set_config('app.tenant', lower('X'), TRUE);")).toBe('sets a transaction-local setting');
    expect(commitDependence('set constraints all deferred;')).toBe('changes when constraints are checked in its transaction');
    expect(commitDependence('set transaction isolation level serializable;')).toBe("sets its transaction's characteristics");
    expect(commitDependence('create temp table scratch (id int) on commit drop;')).toBe(
      'creates a temporary table bound to the transaction',
    );
    expect(
      commitDependence(
        "create function f() returns void language plpgsql as $$ begin perform 1; end $$;\ndo $$ begin perform 1; end $$;\n-- commit;\nset search_path = public;\nselect pg_catalog.set_config('search_path', '', false);\nset session characteristics as transaction read write;\ncreate function g() returns void language sql as $$ select set_config('role', 'anon', true) $$;",
      ),
    ).toBeNull();
  });
});
