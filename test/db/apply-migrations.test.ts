import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  fileApplier,
  isMigrationError,
  TransactionStartError,
  type MigrationError,
} from '../../src/db/apply-migrations.js';
import { createEmbeddedEngine, createPostgresEngine, type SqlEngine } from '../../src/db/engine.js';
import { insideOuterTransaction } from '../../src/db/transaction.js';
import { lineOfPosition } from '../../src/db/sql-error.js';
import { lineOfOffset, splitStatements, statementRanges, statementsIn } from '../../src/db/split-statements.js';
import { BATCH_CHARS } from '../../src/db/statement-batches.js';
import { createThrowawayDatabase } from '../../src/db/throwaway-database.js';
import { ADMIN_URL, ENGINE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/db-postgres.js';

async function failure(engine: SqlEngine, files: { name: string; sql: string }[]): Promise<MigrationError> {
  const error = await applyMigrations(engine, files).then(
    () => null,
    (e: unknown) => e,
  );
  if (!isMigrationError(error)) throw new Error(`expected a MigrationError, got ${String(error)}`);
  return error;
}

/**
 * A migration past two batches: a table, a function whose dollar-quoted body holds semicolons,
 * inserts of 100 rows each, and `inserted` where the caller wants it, about `at` into the file.
 */
function largeMigration(table: string, inserted: readonly string[] = [], at = 0.5): { sql: string; lineOf: (text: string) => number } {
  const lines = [
    `create table public.${table} (id int primary key, note text check (note <> 'bad'));`,
    `create function public.${table}_semis() returns text language plpgsql as $fn$`,
    'begin',
    "  return 'one; two;';",
    'end;',
    '$fn$;',
  ];
  const before = Math.floor((BATCH_CHARS * 2.5 * at) / 3000);
  const after = Math.ceil((BATCH_CHARS * 2.5) / 3000) - before;
  let id = 0;
  const insert = () => {
    const rows = Array.from({ length: 100 }, () => `(${++id}, 'row; ${id}')`);
    lines.push(`insert into public.${table} values`, `  ${rows.join(',\n  ')};`);
  };
  for (let i = 0; i < before; i++) insert();
  lines.push(...inserted);
  for (let i = 0; i < after; i++) insert();
  lines.push(`create table public.${table}_probe as select length(current_query()) as sent, public.${table}_semis() as semis;`);
  const sql = lines.join('\n');
  return { sql, lineOf: (text) => sql.slice(0, sql.indexOf(text)).split('\n').length };
}

/** The engine, counting its requests: each runSteps as 1, each runBatches as its number of batches. */
function countingRequests(engine: SqlEngine): { counted: SqlEngine; requests: number[] } {
  const requests: number[] = [];
  const counted = Object.assign(Object.create(engine) as SqlEngine, {
    runBatches: (batches: Parameters<SqlEngine['runBatches']>[0], options?: Parameters<SqlEngine['runBatches']>[1]) => {
      requests.push(batches.length);
      return engine.runBatches(batches, options);
    },
    runSteps: (steps: Parameters<SqlEngine['runSteps']>[0]) => {
      requests.push(1);
      return engine.runSteps(steps);
    },
  });
  return { counted, requests };
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

  it('sends a large file in batches of whole statements, with the same result as one script', async () => {
    const { sql } = largeMigration('batched');
    expect(sql.length).toBeGreaterThan(BATCH_CHARS * 2);
    await applyMigrations(db.engine, [{ name: 'big.sql', sql }]);
    const [row] = await db.engine.query<{ n: number; sent: number; semis: string }>(
      'select (select count(*)::int from public.batched) as n, sent, semis from public.batched_probe',
    );
    expect(row!.n).toBe(Math.ceil((BATCH_CHARS * 2.5) / 3000) * 100);
    expect(row!.semis).toBe('one; two;');
    // The last statement ran in a query of its own batch, not in the whole file.
    expect(row!.sent).toBeLessThan(BATCH_CHARS + 10_000);
  });

  it('hands a large file to the engine a batch or so at a time, never whole in one call', async () => {
    const { sql } = largeMigration('handed');
    const sent: number[] = [];
    const engine: SqlEngine = Object.create(db.engine, {
      runSteps: {
        value: (steps: Parameters<SqlEngine['runSteps']>[0]) => {
          sent.push(steps.reduce((chars, step) => chars + step.sql.length, 0));
          return db.engine.runSteps(steps);
        },
      },
    }) as SqlEngine;
    await applyMigrations(engine, [{ name: 'big.sql', sql }]);
    expect(sent.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(sql.length);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...sent)).toBeLessThan(2 * BATCH_CHARS);
    expect((await db.engine.query<{ n: number }>('select count(*)::int as n from public.handed'))[0]!.n).toBe(
      Math.ceil((BATCH_CHARS * 2.5) / 3000) * 100,
    );
  });

  it('reports a syntax error in the middle of a later batch at the line one script gives', async () => {
    const { sql, lineOf } = largeMigration('syntax_batches', ['select 1;', 'selec 2;', 'select 3;'], 0.7);
    const error = await failure(db.engine, [{ name: 'big.sql', sql }]);
    expect(error.sqlError.code).toBe('42601');
    expect(error.line).toBe(lineOf('selec 2;'));
    await db.engine.exec('begin');
    const whole = await db.engine.exec(sql).then(
      () => null,
      (e: unknown) => e as MigrationError['sqlError'],
    );
    await db.engine.exec('rollback');
    expect(whole?.lineIn(sql)).toBe(error.line);
    expect(await tableExists(db.engine, 'public.syntax_batches')).toBe(false);
  });

  it('batches a large file that the extension substitution split already at the same lines', async () => {
    // `grant` makes the substitution plan split the file; its runs carry their statements to the batches.
    const { sql, lineOf } = largeMigration('planned_batches', ['grant select on public.planned_batches to public;', 'selec 2;'], 0.7);
    const error = await failure(db.engine, [{ name: 'big.sql', sql }]);
    expect(error.sqlError.code).toBe('42601');
    expect(error.line).toBe(lineOf('selec 2;'));
    expect(await tableExists(db.engine, 'public.planned_batches')).toBe(false);
  });

  it('locates an execution error in the middle of a later batch, and rolls the whole file back', async () => {
    const { sql, lineOf } = largeMigration(
      'checked_batches',
      ['insert into public.checked_batches values', "  (-1, 'ok'),", "  (-2, 'bad');"],
      0.7,
    );
    const error = await failure(db.engine, [{ name: 'big.sql', sql }]);
    expect(error.sqlError.code).toBe('23514');
    expect(error.line).toBe(lineOf('insert into public.checked_batches values\n  (-1'));
    expect(await tableExists(db.engine, 'public.checked_batches')).toBe(false);
  });

  it('points into a DO block in a later batch at the PL/pgSQL line that failed', async () => {
    const block = [
      'do $block$',
      'begin',
      "  insert into public.do_batches values (-1, 'in block; still');",
      '  perform 1 / 0;',
      'end',
      '$block$;',
    ];
    const { sql, lineOf } = largeMigration('do_batches', block, 0.9);
    const error = await failure(db.engine, [{ name: 'big.sql', sql }]);
    expect(error.sqlError.code).toBe('22012');
    expect(error.line).toBe(lineOf('  perform 1 / 0;'));
  });

  it('sends small files together, one transaction each, and stops at the first that fails: the files before it stay, it and those after it do not run', async () => {
    const { counted, requests } = countingRequests(db.engine);
    const error = await failure(counted, [
      { name: 'one.sql', sql: 'create table public.together_one (id int);' },
      { name: 'two.sql', sql: 'create table public.together_two (id int);' },
      { name: 'bad.sql', sql: 'create table public.together_bad (id int);\nselect 1 / 0;' },
      { name: 'after.sql', sql: 'create table public.together_after (id int);' },
    ]);
    expect(requests[0]).toBe(4);
    expect(error.file).toBe('bad.sql');
    expect(error.line).toBe(2);
    expect(error.sqlError.code).toBe('22012');
    expect(await tableExists(db.engine, 'public.together_one')).toBe(true);
    expect(await tableExists(db.engine, 'public.together_two')).toBe(true);
    expect(await tableExists(db.engine, 'public.together_bad')).toBe(false);
    expect(await tableExists(db.engine, 'public.together_after')).toBe(false);
  });

  it('fails a file sent with others that leaves the session as another role through a function it calls', async () => {
    const [before] = await db.engine.query<{ role: string }>('select current_user::text as role');
    const { counted, requests } = countingRequests(db.engine);
    const error = await failure(counted, [
      {
        name: 'define.sql',
        // The role is made by the call, in the failing file's transaction: nothing of it outlives the test.
        sql: "create function public.together_switch() returns void language plpgsql as $$\nbegin\n  execute 'create role together_role';\n  perform pg_catalog.set_config('role', 'together_role', false);\nend\n$$;",
      },
      { name: 'plain.sql', sql: 'create table public.together_plain (id int);' },
      { name: 'switch.sql', sql: 'create table public.together_switched (id int);\nselect public.together_switch();' },
      { name: 'later.sql', sql: 'create table public.together_later (id int);' },
    ]);
    // define.sql names a role: it goes alone; the three after it go together.
    expect(requests).toEqual([1, 3]);
    expect(error.file).toBe('switch.sql');
    expect(error.message).toMatch(/^switch\.sql: the file leaves the session as together_role/);
    expect(await tableExists(db.engine, 'public.together_plain')).toBe(true);
    expect(await tableExists(db.engine, 'public.together_switched')).toBe(false);
    expect(await tableExists(db.engine, 'public.together_later')).toBe(false);
    expect(await db.engine.query<{ role: string }>('select current_user::text as role')).toEqual([before]);
    expect(await db.engine.query('select 1 from pg_roles where rolname = $1', ['together_role'])).toEqual([]);
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

  it('fails a file at a create extension that cannot run, rolling back what the file did before it', async () => {
    const error = await failure(db.engine, [
      {
        name: 'plv8.sql',
        sql: 'create table public.before_plv8 (id int);\ncreate extension plv8;\ncreate table public.after_plv8 (id int);',
      },
    ]);
    expect([error.file, error.line]).toEqual(['plv8.sql', 2]);
    expect(error.message).toMatch(/plv8/);
    expect(await tableExists(db.engine, 'public.before_plv8')).toBe(false);
    expect(await tableExists(db.engine, 'public.after_plv8')).toBe(false);
    // The engine goes on: the unit was rolled back, not left aborted.
    await applyMigrations(db.engine, [{ name: 'next.sql', sql: 'create table public.after_failed_unit (id int);' }]);
    expect(await tableExists(db.engine, 'public.after_failed_unit')).toBe(true);
  });

  it('runs a function with a BEGIN ATOMIC body as one statement, and gives a later error its line', async () => {
    const sql = [
      'create table public.atomic_rows (n int);',
      'create function public.atomic_count() returns int language sql',
      'begin atomic',
      '  insert into public.atomic_rows values (1);',
      '  select count(*)::int from public.atomic_rows;',
      'end;',
      'select public.atomic_count();',
      '',
      'select nope_column from public.atomic_rows;',
    ].join('\n');
    const error = await failure(db.engine, [{ name: 'atomic.sql', sql }]);
    expect(error.sqlError.code).toBe('42703');
    expect(error.line).toBe(9);
    expect(await tableExists(db.engine, 'public.atomic_rows')).toBe(false);
  });

  it('fails a file that begins with a byte order mark at its first line, as the Supabase CLI does (it sends the mark)', async () => {
    for (const [first, word] of [
      // The stand-in would replace this statement: it must not, as the mark makes it another.
      ['create extension if not exists pg_net;', 'create'],
      ['begin;', 'begin'],
    ] as const) {
      const error = await failure(db.engine, [{ name: 'bom.sql', sql: `\ufeff${first}\ncreate table public.after_bom (id int);\n` }]);
      expect([error.file, error.line, error.sqlError.code]).toEqual(['bom.sql', 1, '42601']);
      expect(error.sqlError.message).toBe(`syntax error at or near "\ufeff${word}"`);
      expect(error.sqlError.hint).toMatch(/byte order mark/);
      expect(await tableExists(db.engine, 'public.after_bom')).toBe(false);
    }
  });

  it('names the file a session left in a failed transaction could not start, without blaming the file, and leaves that transaction to its owner', async () => {
    const apply = await fileApplier(db.engine);
    // A file's own `begin;` without commit is not it: the unit's commit ends that transaction.
    await apply({ name: 'open.sql', sql: 'begin;\ncreate table public.left_open (id int);' });
    await db.engine.exec('begin');
    await db.engine.exec('select 1 / 0').catch(() => undefined);
    const file = { name: 'next.sql', sql: 'create table public.not_started (id int);' };
    const error = await apply(file)
      .then(
        () => null,
        (e: unknown) => e,
      )
      .finally(() => db.engine.exec('rollback'));
    expect(error).toBeInstanceOf(TransactionStartError);
    expect(isMigrationError(error)).toBe(false);
    const { file: name, sqlError, message } = error as TransactionStartError;
    expect([name, sqlError.code]).toEqual(['next.sql', '25P02']);
    expect(message).toBe(`next.sql: not run, as its transaction could not start: ${sqlError.message}`);
    // The owner's rollback (above) makes the session usable again; the file then applies.
    expect(await tableExists(db.engine, 'public.left_open')).toBe(true);
    await apply(file);
    expect(await tableExists(db.engine, 'public.not_started')).toBe(true);
  });

  it('counts lines of a position inside a later statement', async () => {
    const error = await failure(db.engine, [{ name: 'col.sql', sql: 'select 1;\nselect\n  nope_column\nfrom pg_class;' }]);
    expect(error.line).toBe(3);
    expect(error.sqlError.code).toBe('42703');
  });
});

describe('a server connection lost between files', () => {
  it('names the file whose transaction could not start', async () => {
    const db = await openTestDatabase('postgres');
    try {
      const apply = await fileApplier(db.engine);
      await apply({ name: 'first.sql', sql: 'create table public.first (id int);' });
      const [session] = await db.engine.query<{ pid: number }>('select pg_backend_pid() as pid');
      const admin = await createPostgresEngine(ADMIN_URL);
      // Waits until the backend is gone.
      await admin.query('select pg_terminate_backend($1, 10000)', [session!.pid]).finally(() => admin.close());
      const error = await apply({ name: 'second.sql', sql: 'create table public.second (id int);' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TransactionStartError);
      expect((error as TransactionStartError).message).toMatch(/^second\.sql: not run, as its transaction could not start: /);
    } finally {
      await db.dispose();
    }
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

  it('gives each statement its offset in the script, and where its semicolon ends it', () => {
    const script = 'select 1;\n\n  select 2';
    expect(splitStatements(script)).toEqual([
      { sql: 'select 1', offset: 0, end: 9 },
      { sql: 'select 2', offset: 13, end: 21 },
    ]);
  });

  it("keeps a BEGIN ATOMIC body's and a rule's semicolons inside their statement, as psql does", () => {
    const script = [
      'create or replace function public.f() returns int language sql',
      'begin atomic',
      '  select case when true then 1 end;',
      '  select 2;',
      'end;',
      'create rule r as on insert to public.t do also (insert into public.u values (1); insert into public.u values (2));',
      "create function public.g() returns int language sql as 'select 1; select 2';",
      'select 3',
    ].join('\n');
    expect(splitStatements(script).map((s) => s.sql.split('\n')[0]!.slice(0, 24))).toEqual([
      'create or replace functi',
      'create rule r as on inse',
      'create function public.g',
      'select 3',
    ]);
  });
});

describe('statementRanges', () => {
  it('gives, for each statement, its offset and the end of its text, before the semicolon and the spaces before it', () => {
    const script = '-- first\nselect 1 ;\n\n  select $$a;b$$;\nselect 3';
    const ranges = statementRanges(script);
    expect([...ranges]).toEqual([9, 17, 23, 37, 39, 47]);
    expect(splitStatements(script).map((s) => s.sql)).toEqual([script.slice(9, 17), script.slice(23, 37), script.slice(39, 47)]);
  });

  it('keeps a byte order mark in the statement it begins, as PostgreSQL reads it: part of the first word', () => {
    const script = '\ufeffselect 1;\nselect 2;';
    expect([...statementRanges(script)]).toEqual([0, 9, 11, 19]);
    expect(splitStatements(script).map((s) => s.sql)).toEqual(['\ufeffselect 1', 'select 2']);
  });

  it('gives back, through statementsIn, the statements the splitter found, without splitting again', () => {
    const scripts = [
      '-- first\nselect 1 ;\n\n  select $$a;b$$;\nselect 3  \n',
      'select 1 -- note\n\t;select 2;',
      '\ufeff-- marked\nselect 1;',
      // A no-break space is no space to PostgreSQL: it stays in the statement's text.
      'select 1\u00a0;select 2;',
      "select 1; select 'never closed;",
      'create function f() returns int language sql\nbegin atomic\n  select 1;\nend;\n/* c; */',
    ];
    for (const script of scripts) expect([...statementsIn(script, statementRanges(script))]).toEqual(splitStatements(script));
  });
});

describe('lineOfOffset', () => {
  it('counts the newlines before an offset', () => {
    expect(lineOfOffset('a\nb\nc', 0)).toBe(1);
    expect(lineOfOffset('a\nb\nc', 1)).toBe(1);
    expect(lineOfOffset('a\nb\nc', 2)).toBe(2);
    expect(lineOfOffset('a\nb\nc', 4)).toBe(3);
  });
});

describe('lineOfPosition', () => {
  it('counts code points like PostgreSQL', () => {
    expect(lineOfPosition('a\nb\nc', 5)).toBe(3);
    expect(lineOfPosition('😀\nx', 3)).toBe(2);
    expect(lineOfPosition('x', 1)).toBe(1);
  });
});

describe.each(ENGINE_KINDS)('a migration whose deferred constraint trigger runs past the time limit on %s', (kind) => {
  const slowAtCommit = {
    name: 'supabase/migrations/0001_slow_at_commit.sql',
    sql: [
      'create table public.slow_at_commit (id int);',
      '',
      'create function public.slow_check() returns trigger language plpgsql as $$',
      'begin',
      '  perform pg_sleep(600);',
      '  return null;',
      'end $$;',
      '',
      'create constraint trigger slow_check after insert on public.slow_at_commit deferrable initially deferred',
      '  for each row execute function public.slow_check();',
      'insert into public.slow_at_commit values (1);',
      '',
    ].join('\n'),
  };
  const shown =
    "statement timeout: a statement ran longer than 1 s (--statement-timeout): the file's deferred constraints and constraint triggers, run as its transaction commits";

  it.each([
    ['in a transaction of its own', false],
    ['as a savepoint of an outer transaction', true],
  ])('fails %s, naming what ran as the file ended, at no line', async (_, outer) => {
    const { engine, dispose } = await limitedEngine(kind, 1_000);
    try {
      if (outer) await engine.exec('begin');
      const error = await failure(outer ? insideOuterTransaction(engine) : engine, [slowAtCommit]);
      expect([error.file, error.line, error.sqlError.code, error.sqlError.message]).toEqual([slowAtCommit.name, undefined, '57014', shown]);
    } finally {
      await dispose();
    }
  });
});

/** An engine of `kind` whose statements have `statementTimeoutMs` each. */
async function limitedEngine(
  kind: 'embedded' | 'postgres',
  statementTimeoutMs: number,
): Promise<{ engine: SqlEngine; dispose(): Promise<void> }> {
  if (kind === 'embedded') {
    const engine = await createEmbeddedEngine({ statementTimeoutMs });
    return { engine, dispose: () => engine.close() };
  }
  const db = await createThrowawayDatabase(ADMIN_URL);
  const engine = await createPostgresEngine(db.url, { statementTimeoutMs });
  return {
    engine,
    dispose: async () => {
      await engine.close();
      await db.drop();
    },
  };
}

describe.each(ENGINE_KINDS)('the time limit of a migration statement on %s', (kind) => {
  it("is each statement's: a file whose statements together run longer than it applies", async () => {
    const { engine, dispose } = await limitedEngine(kind, 2_000);
    try {
      const file = { name: 'supabase/migrations/0001_slow_steps.sql', sql: 'select pg_sleep(1.2);\n'.repeat(4) };
      await expect(applyMigrations(engine, [file])).resolves.toBeDefined();
    } finally {
      await dispose();
    }
  });
});

describe('a migration statement past the time limit on a server', () => {
  it('is named and located from the run itself: the file is not run again to find it', async () => {
    const { engine, dispose } = await limitedEngine('postgres', 1_000);
    try {
      // A sequence is not rolled back: it counts how many times the file's first statement ran.
      await engine.exec('create sequence public.runs');
      const file = {
        name: 'supabase/migrations/0001_stuck.sql',
        sql: "select nextval('public.runs');\n\n-- waits\nselect pg_sleep(600);\nselect 1;\n",
      };
      const error = await failure(engine, [file]);
      expect([error.line, error.sqlError.code, error.sqlError.message]).toEqual([
        4,
        '57014',
        'statement timeout: a statement ran longer than 1 s (--statement-timeout): select pg_sleep(600)',
      ]);
      expect(await engine.query('select last_value::int as runs from public.runs')).toEqual([{ runs: 1 }]);
    } finally {
      await dispose();
    }
  });
});
