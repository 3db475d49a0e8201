import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, isMigrationError, type MigrationError } from '../../src/db/apply-migrations.js';
import type { SqlEngine } from '../../src/db/engine.js';
import { lineOfPosition } from '../../src/db/sql-error.js';
import { splitStatements } from '../../src/db/split-statements.js';
import { ENGINE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/db-postgres.js';

async function failure(engine: SqlEngine, files: { name: string; sql: string }[]): Promise<MigrationError> {
  const error = await applyMigrations(engine, files).then(
    () => null,
    (e: unknown) => e,
  );
  if (!isMigrationError(error)) throw new Error(`expected a MigrationError, got ${String(error)}`);
  return error;
}

async function tableExists(engine: SqlEngine, name: string): Promise<boolean> {
  const rows = await engine.query<{ t: string | null }>(`select to_regclass($1)::text as t`, [name]);
  return rows[0]?.t !== null;
}

describe.each(ENGINE_KINDS)('applyMigrations on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.dispose());

  it('applies files in order, each visible to the next', async () => {
    await applyMigrations(db.engine, [
      { name: 'a.sql', sql: 'create table public.ordered (id int);' },
      { name: 'b.sql', sql: 'insert into public.ordered values (1);\ninsert into public.ordered values (2);' },
    ]);
    const rows = await db.engine.query<{ n: number }>('select count(*)::int as n from public.ordered');
    expect(rows[0]?.n).toBe(2);
  });

  it('reports a syntax error as file:line and rolls the whole file back', async () => {
    const error = await failure(db.engine, [
      { name: 'ok.sql', sql: 'create table public.kept (id int);' },
      { name: 'bad.sql', sql: 'create table public.dropped (id int);\n\n-- comment\nselec 1;\n' },
    ]);
    expect(error.file).toBe('bad.sql');
    expect(error.line).toBe(4);
    expect(error.sqlError.code).toBe('42601');
    expect(error.message).toMatch(/^bad\.sql:4: syntax error/);
    expect(await tableExists(db.engine, 'public.kept')).toBe(true);
    expect(await tableExists(db.engine, 'public.dropped')).toBe(false);
  });

  it('locates an execution error (no server position) by replaying statements', async () => {
    const sql = [
      'create table public.checked (n int check (n > 0));',
      "create function public.semi() returns text language sql as $$ select 'a;b' $$;",
      'insert into public.checked values (1);',
      '/* a comment; with a semicolon */',
      'insert into public.checked',
      '  values (-1);',
    ].join('\n');
    const error = await failure(db.engine, [{ name: 'run.sql', sql }]);
    expect(error.sqlError.code).toBe('23514');
    expect(error.line).toBe(5);
    expect(await tableExists(db.engine, 'public.checked')).toBe(false);
  });

  it('points into a DO block at the PL/pgSQL line that failed', async () => {
    const sql = [
      'create table public.in_block (n int not null);',
      'do $block$',
      'begin',
      '  insert into public.in_block values (1);',
      '  insert into public.in_block values (null);',
      'end',
      '$block$;',
    ].join('\n');
    const error = await failure(db.engine, [{ name: 'seed.sql', sql }]);
    expect(error.sqlError.code).toBe('23502');
    expect(error.line).toBe(5);
  });

  it('fails a file that leaves the session as another role: nothing of it remains, the files after it run as before', async () => {
    const [before] = await db.engine.query<{ role: string }>('select current_user::text as role');
    const error = await failure(db.engine, [
      { name: 'first.sql', sql: 'create table public.before_role (id int);' },
      { name: 'role.sql', sql: 'create table public.left_as_role (id int);\ncreate role apply_left_role;\nset role apply_left_role;' },
    ]);
    expect(error.file).toBe('role.sql');
    expect(error.message).toMatch(/^role\.sql: the file leaves the session as apply_left_role \(session user \w+\), not \w+/);
    expect(await tableExists(db.engine, 'public.before_role')).toBe(true);
    expect(await tableExists(db.engine, 'public.left_as_role')).toBe(false);
    expect(await db.engine.query('select 1 from pg_roles where rolname = $1', ['apply_left_role'])).toEqual([]);
    expect(await db.engine.query<{ role: string }>('select current_user::text as role')).toEqual([before]);
  });

  it('counts lines of a position inside a later statement', async () => {
    const error = await failure(db.engine, [{ name: 'col.sql', sql: 'select 1;\nselect\n  nope_column\nfrom pg_class;' }]);
    expect(error.line).toBe(3);
    expect(error.sqlError.code).toBe('42703');
  });
});

describe('splitStatements', () => {
  it('keeps quoted, dollar-quoted and commented semicolons inside their statement', () => {
    const script = [
      'select \'a;b\', "x;y" from t;',
      'do $body$ begin perform 1; end $body$;',
      "select E'it\\'s;';",
      '-- note; here',
      '/* outer /* nested; */ still; */ select 2;',
      '',
    ].join('\n');
    const statements = splitStatements(script).map((s) => s.sql);
    expect(statements).toEqual(['select \'a;b\', "x;y" from t', 'do $body$ begin perform 1; end $body$', "select E'it\\'s;'", 'select 2']);
  });

  it('gives each statement its offset in the script', () => {
    const script = 'select 1;\n\n  select 2';
    expect(splitStatements(script)).toEqual([
      { sql: 'select 1', offset: 0 },
      { sql: 'select 2', offset: 13 },
    ]);
  });
});

describe('lineOfPosition', () => {
  it('counts code points like PostgreSQL', () => {
    expect(lineOfPosition('a\nb\nc', 5)).toBe(3);
    expect(lineOfPosition('😀\nx', 3)).toBe(2);
    expect(lineOfPosition('x', 1)).toBe(1);
  });
});
