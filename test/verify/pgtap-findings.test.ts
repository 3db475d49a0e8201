import { execa } from 'execa';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/db/apply-migrations.js';
import { Cleanups } from '../../src/verify/cleanup.js';
import { phase04 } from '../../src/verify/phase-04/index.js';
import type { CheckResult, VerifyReport } from '../../src/verify/types.js';
import { verifyPhase } from '../../src/verify/verify.js';
import { ADMIN_URL } from '../helpers/db-postgres.js';
import { openStandInDatabase } from '../helpers/db-standin.js';
import { copyRepo, generatedRepo, removeTempDirs, writeRepoFile } from './helpers/repo.js';

/**
 * The pgtap check, run in-process with `--db-url` on the local PostgreSQL 15, which has pgTAP (so
 * does CI), and on the embedded engine, which loads PGlite's pgTAP: the generated tests pass; a
 * failing assertion and a file that does not run fail the check alike on both, each finding
 * naming its file. Files run as pg_prove runs them (compared with the real pg_prove). Each
 * server run makes a temporary database per grant mode; `cleanups` drops any that a failed run left.
 */
let good: string;
const cleanups = new Cleanups();

beforeAll(async () => {
  good = await generatedRepo();
});

afterAll(async () => {
  await cleanups.runAll();
  await removeTempDirs();
});

// seed stays: it runs before pgtap in a full run, and the tests see its rows.
/**
 * A file acting as a signed-in user through request.jwt.claims, in a rolled-back transaction, and
 * a later one reading the claims as the session user: psql runs each in a new session, where an
 * unset custom setting reads NULL; a session that set it once reads '' (not JSON) ever after.
 */
const CLAIMS_TESTS: Record<string, string> = {
  '05_signed_in.test.sql': [
    'begin;',
    'select plan(1);',
    `select set_config('request.jwt.claims', '{"sub": "7d3b8f4e-2c1a-4e5b-9f60-1a2b3c4d5e6f", "role": "authenticated"}', true);`,
    "select is(auth.uid(), '7d3b8f4e-2c1a-4e5b-9f60-1a2b3c4d5e6f'::uuid, 'the claims name the user');",
    'select * from finish();',
    'rollback;',
    '',
  ].join('\n'),
  '06_no_claims.test.sql': [
    'begin;',
    'select plan(2);',
    "select is(current_setting('request.jwt.claims', true), null, 'a new session has no claims');",
    "select is((current_setting('request.jwt.claims', true)::jsonb) ->> 'role', null, 'nor a role in them');",
    'select * from finish();',
    'rollback;',
    '',
  ].join('\n'),
};

/**
 * A file that commits a default of its role, and a file after it that reads the default: psql's
 * new connection for the second starts after the first committed, and so has it.
 */
const ROLE_DEFAULT_TESTS: Record<string, string> = {
  '05_sets_role_default.test.sql': [
    'select plan(1);',
    // Time enough for a connection opened meanwhile to be up before the commit.
    'select pg_sleep(0.5);',
    "alter role current_user set intervalstyle = 'iso_8601';",
    "select pass('the role default is set');",
    '',
  ].join('\n'),
  '06_reads_role_default.test.sql': [
    'begin;',
    'select plan(1);',
    "select is(current_setting('intervalstyle'), 'iso_8601', 'a new connection starts with the role default committed before it');",
    'select * from finish();',
    'rollback;',
    '',
  ].join('\n'),
};

/**
 * A COPY … FROM STDIN whose data follows it in the file, as psql reads it: a NULL (\N), and a
 * `;` and `--` that are data, not SQL; the assertions after the `\.` see the rows.
 */
const copyTest = (firstRow: string): Record<string, string> => ({
  '05_copy.test.sql': [
    'begin;',
    'select plan(2);',
    'create temp table pgtap_copied (n int, note text);',
    'copy pgtap_copied (n, note) from stdin;',
    `${firstRow}\tone; -- not a comment`,
    '2\t\\N',
    '\\.',
    "select is((select count(*)::int from pgtap_copied), 2, 'two rows copied');",
    "select is((select note from pgtap_copied where n = 1), 'one; -- not a comment', 'the data as written');",
    'select * from finish();',
    'rollback;',
    '',
  ].join('\n'),
});

const PGTAP_PATH_ONLY = ['files', 'schema', 'rls', 'advisors', 'typescript', 'python'];

function resultOf(report: VerifyReport, name: string): CheckResult {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name}`);
  return found;
}

type Engine = 'postgres' | 'embedded';

/** A copy of the generated repo with `tests` added (paths under supabase/tests/database), and its pgtap check. */
async function pgtapCheckWith(
  label: string,
  tests: Record<string, string>,
  engine: Engine = 'postgres',
  statementTimeoutMs?: number,
): Promise<CheckResult> {
  const repo = await copyRepo(good, label);
  for (const [name, sql] of Object.entries(tests)) {
    const file = `supabase/tests/database/${name}`;
    await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
    await writeRepoFile(repo, file, sql);
  }
  const report = await verifyPhase(
    phase04,
    {
      root: repo,
      dbUrl: engine === 'postgres' ? ADMIN_URL : null,
      grants: ['legacy', 'current'],
      skip: PGTAP_PATH_ONLY,
      strict: false,
      advisors: 'warn',
      python: null,
      statementTimeoutMs,
    },
    cleanups,
  );
  expect(report.engine).toBe(engine);
  expect(resultOf(report, 'migrations')).toMatchObject({ status: 'pass', findings: [] });
  expect(resultOf(report, 'seed')).toMatchObject({ status: 'pass', findings: [] });
  return resultOf(report, 'pgtap');
}

describe.each(['postgres', 'embedded'] as const)('the pgtap check on %s', (engine) => {
  it('passes the generated tests in both grant modes', async () => {
    const pgtap = await pgtapCheckWith('pgtap-unbroken', {}, engine);
    expect([pgtap.status, pgtap.reason]).toEqual(['pass', null]);
    expect(pgtap.findings).toEqual([]);
    // A mode that skipped would show here, the check still passing on the other.
    expect(pgtap.warnings).toEqual([]);
  });

  it("runs a COPY … FROM STDIN with the file's lines after it as its data, as psql does; a bad row fails at the COPY", async () => {
    const pgtap = await pgtapCheckWith('pgtap-copy', copyTest('1'), engine);
    expect([pgtap.status, pgtap.findings]).toEqual(['pass', []]);
    const bad = await pgtapCheckWith('pgtap-copy-bad', copyTest('x'), engine);
    expect(bad.status).toBe('fail');
    expect(bad.findings.map((f) => [f.location, f.message.split('\n')[0]])).toEqual([
      [{ file: 'supabase/tests/database/05_copy.test.sql', line: 4 }, 'does not run: invalid input syntax for type integer: "x"'],
    ]);
  });

  it('fails on a failing assertion, naming the file and quoting its not ok line with the diagnostics', async () => {
    const file = '05_arithmetic.test.sql';
    const pgtap = await pgtapCheckWith(
      'pgtap-failing',
      {
        [file]: [
          'begin;',
          'select plan(2);',
          "select ok(true, 'the generated schema is there');",
          "select is(1 + 1, 3, 'one and one make three');",
          'select * from finish();',
          'rollback;',
          '',
        ].join('\n'),
      },
      engine,
    );
    expect([pgtap.status, pgtap.reason]).toEqual(['fail', '1 pgTAP file failed']);
    expect(pgtap.findings).toHaveLength(1);
    const [finding] = pgtap.findings;
    expect(finding!.location).toEqual({ file: `supabase/tests/database/${file}` });
    const lines = finding!.message.split('\n');
    expect(lines.slice(0, 2)).toEqual(['1 of 2 tests failed', 'not ok 2 - one and one make three']);
    expect(lines).toContainEqual(expect.stringMatching(/^#\s+have: 2$/));
    expect(lines).toContainEqual(expect.stringMatching(/^#\s+want: 3$/));
  });

  it('fails on files that do not run, naming each file, with the line when the server gives a position', async () => {
    const missingTable = '05_missing_table.test.sql';
    const runtimeError = '06_division.test.sql';
    const pgtap = await pgtapCheckWith(
      'pgtap-erroring',
      {
        [missingTable]: [
          'begin;',
          'select plan(1);',
          '',
          "select is((select count(*)::int from public.no_such_table), 0, 'reads a table the migrations never made');",
          'rollback;',
          '',
        ].join('\n'),
        // Raised while executing: PostgreSQL reports no position for it.
        [runtimeError]: ['begin;', 'select plan(1);', "select is(1 / 0, 0, 'divides by zero');", 'rollback;', ''].join('\n'),
      },
      engine,
    );
    expect([pgtap.status, pgtap.reason]).toEqual(['fail', '2 pgTAP files failed']);
    expect(pgtap.findings).toEqual([
      {
        message: 'does not run: relation "public.no_such_table" does not exist',
        location: { file: `supabase/tests/database/${missingTable}`, line: 4 },
      },
      {
        message: 'does not run: division by zero',
        location: { file: `supabase/tests/database/${runtimeError}`, line: 3 },
      },
    ]);
  });

  it('runs files as pg_prove does: statement by statement in autocommit, so a rollback inside undoes only its transaction', async () => {
    const pgtap = await pgtapCheckWith('pgtap-autocommit', AUTOCOMMIT_TESTS, engine);
    expect([pgtap.status, pgtap.reason, pgtap.findings]).toEqual(['pass', null, []]);
  });

  it('runs each file as a new session has it: JWT claims an earlier file set read NULL, not the empty string', async () => {
    const pgtap = await pgtapCheckWith('pgtap-claims', CLAIMS_TESTS, engine);
    expect([pgtap.status, pgtap.reason, pgtap.findings]).toEqual(['pass', null, []]);
  });

  it.runIf(engine === 'postgres')(
    "opens each file's connection once the file before it has committed what it commits, as psql does after it",
    async () => {
      const pgtap = await pgtapCheckWith('pgtap-role-default', ROLE_DEFAULT_TESTS, engine);
      expect([pgtap.status, pgtap.reason, pgtap.findings]).toEqual(['pass', null, []]);
    },
  );

  it('reports a file whose own assertions fail under pg_prove semantics like pg_prove', async () => {
    const pgtap = await pgtapCheckWith('pgtap-rolled-back', { 'nested/05_rolled_back.test.pg': ROLLED_BACK_TEST }, engine);
    expect([pgtap.status, pgtap.reason]).toEqual(['fail', '1 pgTAP file failed']);
    expect(pgtap.findings).toHaveLength(1);
    expect(pgtap.findings[0]!.location).toEqual({ file: 'supabase/tests/database/nested/05_rolled_back.test.pg' });
    expect(pgtap.findings[0]!.message.split('\n').slice(0, 2)).toEqual([
      '1 of 1 tests failed',
      'not ok 1 - the row inserted in the rolled-back transaction is gone',
    ]);
  });

  it('reports the TAP lines of a file before a statement that ran past the time limit, and the timeout', async () => {
    const file = '99_slow.test.sql';
    const slow = [
      'select plan(3);',
      "select ok(true, 'first');",
      "select ok(false, 'second');",
      'select pg_sleep(600);',
      "select ok(true, 'third');",
      '',
    ].join('\n');
    const after = '99_z_after.test.sql';
    const pgtap = await pgtapCheckWith(
      'pgtap-slow',
      { [file]: slow, [after]: "select plan(1);\nselect ok(true, 'after');\n" },
      engine,
      3_000,
    );
    const timeout = 'does not run: statement timeout: a statement ran longer than 3 s (--statement-timeout)';
    // Both engines name the statement; the embedded one stopped, so the other grant mode did not run.
    const [reason, stopped] =
      engine === 'embedded'
        ? ['1 pgTAP file failed (legacy grants)', `[legacy grants] ${timeout}: select pg_sleep(600)`]
        : ['1 pgTAP file failed', `${timeout}: select pg_sleep(600)`];
    expect([pgtap.status, pgtap.reason]).toEqual(['fail', reason]);
    expect(pgtap.findings).toEqual([
      {
        message: [stopped, 'not ok 2 - second', '# Failed test 2: "second"'].join('\n'),
        location: { file: `supabase/tests/database/${file}`, line: 4 },
      },
    ]);
    // A server runs the files after it; the stopped embedded engine cannot, and says so.
    expect(pgtap.warnings).toEqual(
      engine === 'embedded'
        ? [
            {
              message: `[legacy grants] not run, the embedded engine having stopped (a statement ran past --statement-timeout): supabase/tests/database/${after}`,
            },
          ]
        : [],
    );
  });

  it('names each psql meta-command as not supported, at its line', async () => {
    const pgtap = await pgtapCheckWith(
      'pgtap-meta',
      {
        '05_meta.test.sql': ['\\set QUIET 1', 'begin;', 'select plan(1);', "select ok(true, 'fine');", '\\echo done', 'rollback;', ''].join(
          '\n',
        ),
      },
      engine,
    );
    expect([pgtap.status, pgtap.reason]).toEqual(['fail', '1 pgTAP file failed']);
    expect(pgtap.findings.map((f) => [f.location, f.message.split(':')[0]])).toEqual([
      [{ file: 'supabase/tests/database/05_meta.test.sql', line: 1 }, 'psql meta-command \\set is not supported'],
      [{ file: 'supabase/tests/database/05_meta.test.sql', line: 5 }, 'psql meta-command \\echo is not supported'],
    ]);
  });
});

/**
 * Setup committed outside any transaction, a begin … rollback in the middle of the file, and a
 * second file (a .pg one, in a subfolder) that sees what the first committed. Sent as one
 * multi-statement query, the rollback would undo the setup too and the assertions would fail.
 */
const AUTOCOMMIT_TESTS: Record<string, string> = {
  '05_autocommit.test.sql': [
    'create table public.pgtap_committed (id int primary key);',
    'insert into public.pgtap_committed values (1);',
    'begin;',
    'insert into public.pgtap_committed values (2);',
    'rollback;',
    'begin;',
    'select plan(2);',
    "select has_table('public', 'pgtap_committed', 'the table created before the transaction stays');",
    "select is((select array_agg(id order by id) from public.pgtap_committed), array[1], 'the committed row stays, the rolled-back one is gone');",
    'select * from finish();',
    'rollback;',
    '',
  ].join('\n'),
  'later/06_sees_committed.test.pg': [
    'select plan(1);',
    "select is((select count(*)::int from public.pgtap_committed), 1, 'the previous file committed its setup');",
    'select * from finish();',
    '',
  ].join('\n'),
};

const ROLLED_BACK_TEST = [
  'create table public.pgtap_rolled (id int);',
  'begin;',
  'insert into public.pgtap_rolled values (1);',
  'rollback;',
  'select plan(1);',
  "select is((select count(*)::int from public.pgtap_rolled), 1, 'the row inserted in the rolled-back transaction is gone');",
  '',
].join('\n');

describe('the same files under the real pg_prove', () => {
  /** pg_prove over `files` on a fresh stand-in database with the generated migrations applied. */
  async function pgProve(files: Record<string, string>) {
    const db = await openStandInDatabase('postgres', 'current');
    const dir = await copyRepo(good, 'pg-prove');
    try {
      const migrationsDir = path.join(dir, 'supabase/migrations');
      const migrations = (await readdir(migrationsDir)).sort();
      await applyMigrations(
        db.engine,
        await Promise.all(migrations.map(async (name) => ({ name, sql: await readFile(path.join(migrationsDir, name), 'utf8') }))),
      );
      await db.engine.exec('create extension if not exists pgtap with schema extensions');
      const tests = path.join(dir, 'pg-prove-tests');
      for (const [name, sql] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(tests, name)), { recursive: true });
        await writeRepoFile(dir, path.join('pg-prove-tests', name), sql);
      }
      return await execa('pg_prove', ['--dbname', db.url!, '--ext', '.pg', '--ext', '.sql', '-r', tests], { reject: false, all: true });
    } finally {
      await db.dispose();
    }
  }

  it('passes the files that read JWT claims as a new session has them, as the check does', async () => {
    const run = await pgProve(CLAIMS_TESTS);
    expect(run.all).toMatch(/All tests successful/);
    expect(run.exitCode).toBe(0);
  });

  it('passes the file with a COPY … FROM STDIN and its data, and fails it with a bad row, as the check does', async () => {
    const passing = await pgProve(copyTest('1'));
    expect(passing.all).toMatch(/All tests successful/);
    expect(passing.exitCode).toBe(0);
    const failing = await pgProve(copyTest('x'));
    expect(failing.exitCode).not.toBe(0);
    expect(failing.all).toContain('invalid input syntax for type integer: "x"');
  });

  it('passes the autocommit files and fails the rolled-back one, as the check does', async () => {
    const passing = await pgProve(AUTOCOMMIT_TESTS);
    expect(passing.all).toMatch(/All tests successful/);
    expect(passing.exitCode).toBe(0);
    const failing = await pgProve({ '05_rolled_back.test.pg': ROLLED_BACK_TEST });
    expect(failing.exitCode).not.toBe(0);
    expect(failing.all).toContain('Failed test:  1');
  });
});

/**
 * A repo of the common kind the generated tests must hold in: its own second sign-up trigger
 * filling a profiles table whose foreign key to auth.users does not cascade (so a user with a
 * profile cannot simply be deleted), and EXECUTE revoked from the API roles on every function.
 */
const REPO_OWN_MIGRATION = `
create table public.profiles (
  id uuid primary key references auth.users (id),
  username text
);
alter table public.profiles enable row level security;

create function public.create_profile_for_new_user() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.profiles (id, username) values (new.id, new.raw_user_meta_data ->> 'user_name');
  return new;
end;
$$;

create trigger on_auth_user_created_profile
  after insert on auth.users
  for each row execute function public.create_profile_for_new_user();

revoke execute on all functions in schema public from public, anon, authenticated;
alter default privileges in schema public revoke execute on functions from public, anon, authenticated;
`;

describe.each(['embedded', 'postgres'] as const)(
  'the generated tests in a repo with its own sign-up trigger, undeletable users and revoked functions (%s)',
  (engine) => {
    it('pass in both grant modes', async () => {
      const repo = await copyRepo(good, 'pgtap-own-trigger');
      await writeRepoFile(repo, 'supabase/migrations/00003_profiles.sql', REPO_OWN_MIGRATION);
      const report = await verifyPhase(
        phase04,
        {
          root: repo,
          dbUrl: engine === 'postgres' ? ADMIN_URL : null,
          grants: ['legacy', 'current'],
          skip: PGTAP_PATH_ONLY,
          strict: false,
          advisors: 'warn',
          python: null,
        },
        cleanups,
      );
      expect(resultOf(report, 'migrations').status).toBe('pass');
      const pgtap = resultOf(report, 'pgtap');
      expect([pgtap.status, pgtap.reason, pgtap.findings]).toEqual(['pass', null, []]);
    });
  },
);
