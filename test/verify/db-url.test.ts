import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_URL } from '../helpers/db-postgres.js';
import {
  check,
  copyRepo,
  generatedRepo,
  removeTempDirs,
  runVerifyJson,
  statusesOf,
  testCacheDir,
  verifyBin,
  writeRepoFile,
} from './helpers/repo.js';

/**
 * `--db-url` on the local PostgreSQL 15. The runs connect as a role made for this file, so the
 * temporary databases they create are recognisable by their owner even while other tests
 * create `verify_*` databases of their own.
 */
const suffix = randomBytes(4).toString('hex');
const runner = `verify_runner_${suffix}`;
const limited = `verify_limited_${suffix}`;
const userDatabase = `userdb_${suffix}`;
/** A sleep of about a minute, its argument unique to this file's run. */
const SLEEP = `60.${parseInt(suffix, 16) % 100_000}`;

let admin: pg.Client;
let repo: string;

function urlFor(role: string, database: string): string {
  const url = new URL(ADMIN_URL);
  url.username = role;
  url.password = '';
  url.pathname = `/${database}`;
  return url.toString();
}

const userUrl = () => urlFor(runner, userDatabase);

async function databasesOwnedBy(role: string): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string }>(
    'select datname from pg_database where datdba = (select oid from pg_roles where rolname = $1) order by 1',
    [role],
  );
  return rows.map((r) => r.datname);
}

/** Supabase's API roles on the server, with their attributes and memberships: roles outlive the temporary databases. */
async function apiRolesState(): Promise<unknown[]> {
  const { rows } = await admin.query(
    `select r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin, r.rolbypassrls,
            array(select g.rolname::text from pg_auth_members m join pg_roles g on g.oid = m.roleid where m.member = r.oid order by 1) as member_of,
            -- Run roles of verify runs in other test files come and go on the shared server.
            array(select u.rolname::text from pg_auth_members m join pg_roles u on u.oid = m.member
                   where m.roleid = r.oid and u.rolname !~ '^verify_.*_postgres$' order by 1) as members
       from pg_roles r where r.rolname in ('anon', 'authenticated', 'service_role', 'authenticator', 'postgres') order by 1`,
  );
  return rows;
}

async function dumpUserDatabase(): Promise<string> {
  const { stdout } = await execa('pg_dump', ['--dbname', urlFor('postgres', userDatabase)]);
  // pg_dump 15.14+ wraps the dump in \restrict <random key>: the key differs on every dump.
  return stdout.replace(/^\\(un)?restrict \S+$/gm, '\\$1restrict <key>');
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create role ${runner} login superuser`);
  await admin.query(`create role ${limited} login nocreatedb nosuperuser`);
  await admin.query(`create database ${userDatabase} owner ${runner}`);
  const user = new pg.Client({ connectionString: urlFor('postgres', userDatabase) });
  await user.connect();
  await user.query(`
    create table public.customers (id serial primary key, name text not null);
    insert into public.customers (name) values ('Ada'), ('Grace');
    create function public.customer_count() returns bigint language sql as 'select count(*) from public.customers';`);
  await user.end();
  repo = await generatedRepo();
});

afterAll(async () => {
  for (const name of await databasesOwnedBy(runner)) await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`drop role if exists ${runner}`);
  await admin.query(`drop role if exists ${limited}`);
  await admin.end();
  await removeTempDirs();
});

describe('verify-phase 04 --db-url', () => {
  it('passes a freshly generated repo on PostgreSQL 15, pgTAP included where the server has it', async () => {
    const [{ available }] = (
      await admin.query<{ available: boolean }>(`select exists (select from pg_available_extensions where name = 'pgtap') as available`)
    ).rows as [{ available: boolean }];
    const { exitCode, report } = await runVerifyJson(['04', repo, '--db-url', userUrl(), '--skip', 'typescript,python']);
    expect(report.engine).toBe('postgres');
    expect(statusesOf(report)).toMatchObject({
      files: 'pass',
      migrations: 'pass',
      schema: 'pass',
      rls: 'pass',
      advisors: 'pass',
      seed: 'pass',
      pgtap: available ? 'pass' : 'skip',
    });
    if (!available) expect(check(report, 'pgtap').reason).toMatch(/pgTAP is not installed on the server/);
    expect(exitCode).toBe(0);
  });

  it("never changes the user's database or the server's roles, and leaves no temporary database, on success and on failure", async () => {
    const before = await dumpUserDatabase();
    const rolesBefore = await apiRolesState();
    expect(rolesBefore).toHaveLength(5);
    const broken = await copyRepo(repo, 'db-url-broken');
    await writeRepoFile(broken, 'supabase/migrations/00003_broken.sql', 'create table public.notes (id int);\nselect 1/0;\n');

    const good = await runVerifyJson(['04', repo, '--db-url', userUrl(), '--skip', 'typescript,python']);
    expect(good.exitCode).toBe(0);
    const bad = await runVerifyJson(['04', broken, '--db-url', userUrl(), '--skip', 'typescript,python']);
    expect(bad.exitCode).toBe(1);
    expect(check(bad.report, 'migrations').findings).toEqual([
      { message: 'ERROR: division by zero (SQLSTATE 22012)', location: { file: 'supabase/migrations/00003_broken.sql', line: 2 } },
    ]);

    expect(await dumpUserDatabase()).toBe(before);
    expect(await apiRolesState()).toEqual(rolesBefore);
    expect(await databasesOwnedBy(runner)).toEqual([userDatabase]);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('drops the temporary database on %s and exits 130', async (signal) => {
    const slow = await copyRepo(repo, `db-url-${signal}`);
    // Keeps the run inside a migration long enough to be interrupted there.
    await writeRepoFile(slow, 'supabase/migrations/00003_slow.sql', `select pg_sleep(${SLEEP});\n`);
    const before = await dumpUserDatabase();
    const child = execa(process.execPath, [verifyBin, '04', slow, '--db-url', userUrl(), '--skip', 'typescript,python'], {
      reject: false,
      env: { CREATE_SAAS_DB_CACHE_DIR: testCacheDir },
    });
    let temporary: string | null;
    while (!(temporary = await sleepingDatabase())) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(temporary).toMatch(/^verify_/);

    child.kill(signal);
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(String(result.stderr)).toContain('verify-phase: interrupted; temporary databases dropped');
    expect(await databaseExists(temporary)).toBe(false);
    expect(await databasesOwnedBy(runner)).toEqual([userDatabase]);
    expect(await dumpUserDatabase()).toBe(before);
  });

  it('a second signal stops waiting for a drop that hangs, and names the database left to drop', async () => {
    const slow = await copyRepo(repo, 'db-url-twice');
    await writeRepoFile(slow, 'supabase/migrations/00003_slow.sql', `select pg_sleep(${SLEEP});\n`);
    const child = execa(process.execPath, [verifyBin, '04', slow, '--db-url', userUrl(), '--skip', 'typescript,python'], {
      reject: false,
      env: { CREATE_SAAS_DB_CACHE_DIR: testCacheDir },
    });
    let temporary: string | null;
    while (!(temporary = await sleepingDatabase())) await new Promise((resolve) => setTimeout(resolve, 50));
    // An open transaction that commented on the database: DROP DATABASE waits for it to end.
    const holder = new pg.Client({ connectionString: ADMIN_URL });
    await holder.connect();
    try {
      await holder.query(`begin; comment on database ${temporary!} is 'held'`);
      child.kill('SIGINT');
      while ((await waitingDrops()) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode).toBe(130);
      expect(String(result.stderr).trim()).toMatch(
        new RegExp(
          `^verify-phase: interrupted again; not waiting for the cleanup: drop database ${temporary!}, the roles commented "create-saas-db verify run [0-9a-f]{12}" yourself if it remains$`,
        ),
      );
    } finally {
      await holder.query('rollback').catch(() => undefined);
      await holder.end();
      await admin.query(`drop database if exists ${temporary!} with (force)`);
    }
  });

  it('fails with a clear message when the role may not create databases', async () => {
    const { exitCode, report } = await runVerifyJson(['04', repo, '--db-url', urlFor(limited, 'postgres'), '--skip', 'typescript,python']);
    expect(exitCode).toBe(1);
    expect(check(report, 'migrations').reason).toMatch(
      /^cannot prepare the database: the role in the database URL may not create databases \(needs CREATEDB\): permission denied to create database$/,
    );
    expect(check(report, 'schema')).toMatchObject({ status: 'skip', reason: 'the database could not be prepared' });
  });
});

/**
 * The temporary database of this file's sleeping migration. The migration runs as the run's own
 * role (the URL's is a superuser), so it is found by its statement, unique to this file.
 */
async function sleepingDatabase(): Promise<string | null> {
  const { rows } = await admin.query<{ datname: string }>(
    `select datname from pg_stat_activity where query like $1 and state = 'active' and pid <> pg_backend_pid()`,
    [`%pg_sleep(${SLEEP})%`],
  );
  return rows[0]?.datname ?? null;
}

async function databaseExists(name: string): Promise<boolean> {
  return (await admin.query('select 1 from pg_database where datname = $1', [name])).rows.length > 0;
}

async function waitingDrops(): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity where usename = $1 and query like 'drop database%' and wait_event_type = 'Lock'`,
    [runner],
  );
  return rows[0]!.n;
}
