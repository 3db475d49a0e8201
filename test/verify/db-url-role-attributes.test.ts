import { execa } from 'execa';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { emulationRoleNames, rolesSql } from '../../src/emulation/install.js';
import type { PrivatePostgres } from '../helpers/private-postgres.js';
import { dumpServer, usePrivateServerAndRepo } from './helpers/private-server.js';
import { check, copyRepo, runVerify, runVerifyJson, testCacheDir, verifyBin, writeRepoFile } from './helpers/repo.js';

/**
 * `--db-url` gives one verdict whatever the server's roles: a server without Supabase's API roles,
 * and the same server where they exist with other attributes than Supabase gives them (logins,
 * no inheritance, no BYPASSRLS for service_role, no memberships for authenticator, a membership
 * Supabase's anon lacks). The run makes them behave as Supabase's and gives them back exactly,
 * also after a killed run; a run finding the server changed says what changed. A private server,
 * because roles are server-wide (see global-setup).
 */
const SKIP = ['--skip', 'typescript,python'];
const API_ROLES = ['anon', 'authenticated', 'service_role', 'authenticator'];
/** The API roles with other attributes, memberships, settings and comments than Supabase's. */
const OTHER_ROLES = `
  create role anon login noinherit connection limit 1;
  comment on role anon is 'the app''s anonymous role';
  grant pg_read_all_data to anon with admin option;
  create role authenticated login bypassrls;
  alter role authenticated set work_mem = '2MB';
  create role service_role nobypassrls noinherit;
  create role authenticator inherit createdb;`;
/** The API roles as Supabase has them. */
const SUPABASE_ROLES = `
  create role anon nologin;
  create role authenticated nologin;
  create role service_role nologin bypassrls;
  create role authenticator noinherit;
  grant anon, authenticated, service_role to authenticator;`;

let server: PrivatePostgres;
let admin: pg.Client;
let repo: string;
usePrivateServerAndRepo((run) => ({ server, admin, repo } = run));

afterEach(async () => {
  for (const { datname } of (await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'verify\\_%'`))
    .rows) {
    await admin.query(`drop database "${datname}" with (force)`);
  }
  for (const role of [...API_ROLES, 'verify_creator', 'verify_bystander']) await admin.query(`drop role if exists ${role}`);
  await admin.query("alter database postgres reset all; comment on database postgres is 'default administrative connection database'");
});

/** Roles, role settings, memberships, comments and tablespaces, as pg_dumpall writes them. */
const dumpGlobals = () => dumpServer(server.url, '--globals-only');

async function verifyDatabases(): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'verify\\_%' order by 1`);
  return rows.map((r) => r.datname);
}

/** What the verdict is made of, check by check (durations aside). */
async function verdict(target = repo, url = server.url): Promise<{ exitCode: number; checks: unknown[] }> {
  const { exitCode, report } = await runVerifyJson(['04', target, '--db-url', url, ...SKIP]);
  return {
    exitCode,
    checks: report.checks.map((c) => ({ name: c.name, status: c.status, reason: c.reason, findings: c.findings, warnings: c.warnings })),
  };
}

/** The API roles as a session switched to them sees them. */
async function apiRoles(): Promise<unknown[]> {
  const { rows } = await admin.query(
    `select rolname, rolsuper, rolinherit, rolcreatedb, rolbypassrls,
            array(select g.rolname::text from pg_auth_members m join pg_roles g on g.oid = m.roleid where m.member = r.oid order by 1) as member_of
       from pg_roles r where rolname = any($1) order by 1`,
    [API_ROLES],
  );
  return rows;
}

const SUPABASE_BEHAVIOUR = [
  { rolname: 'anon', rolsuper: false, rolinherit: true, rolcreatedb: false, rolbypassrls: false, member_of: [] },
  { rolname: 'authenticated', rolsuper: false, rolinherit: true, rolcreatedb: false, rolbypassrls: false, member_of: [] },
  {
    rolname: 'authenticator',
    rolsuper: false,
    rolinherit: false,
    rolcreatedb: false,
    rolbypassrls: false,
    member_of: ['anon', 'authenticated', 'service_role'],
  },
  { rolname: 'service_role', rolsuper: false, rolinherit: true, rolcreatedb: false, rolbypassrls: true, member_of: [] },
];

/**
 * A repo whose migration sleeps, and the verify-phase process running it, once the sleep began
 * (in an object: the process is a promise, which an async function would wait for).
 */
async function slowRun(label: string) {
  const slow = await copyRepo(repo, label);
  await writeRepoFile(slow, 'supabase/migrations/00003_slow.sql', 'select pg_sleep(60);\n');
  const child = execa(process.execPath, [verifyBin, '04', slow, '--db-url', server.url, ...SKIP], {
    reject: false,
    env: { CREATE_SAAS_DB_CACHE_DIR: testCacheDir },
  });
  while (!(await sessionsRunning('%pg_sleep(60)%'))) {
    if (child.exitCode !== null) throw new Error(`verify-phase ended: ${String(child.stdout)}${String(child.stderr)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child };
}

async function sessionsRunning(query: string, applicationName = '%'): Promise<boolean> {
  const { rows } = await admin.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity where query like $1 and application_name like $2 and pid <> pg_backend_pid()`,
    [query, applicationName],
  );
  return rows[0]!.n > 0;
}

describe('verify-phase 04 --db-url and the roles the server already has', () => {
  it('gives the same verdict with the API roles absent and present with other attributes, and gives them back, also on failure', async () => {
    const { rows } = await admin.query<{ rolname: string }>('select rolname from pg_roles where rolname = any($1)', [API_ROLES]);
    expect(rows).toEqual([]);
    const without = await verdict();
    expect(without.exitCode).toBe(0);

    await admin.query(OTHER_ROLES);
    const before = await dumpGlobals();
    const withOthers = await verdict();
    expect(withOthers).toEqual(without);
    expect(await dumpGlobals()).toBe(before);

    const broken = await copyRepo(repo, 'roles-broken');
    await writeRepoFile(broken, 'supabase/migrations/00003_broken.sql', 'select 1/0;\n');
    const failing = await runVerifyJson(['04', broken, '--db-url', server.url, '--grants', 'legacy', ...SKIP]);
    expect(check(failing.report, 'migrations').status).toBe('fail');
    expect(await dumpGlobals()).toBe(before);
  });

  it('gives the roles Supabase behaviour while it runs, and gives them back on SIGTERM', async () => {
    await admin.query(OTHER_ROLES);
    const before = await dumpGlobals();
    const { child } = await slowRun('roles-sigterm');
    try {
      expect(await apiRoles()).toEqual(SUPABASE_BEHAVIOUR);
      child.kill('SIGTERM');
      expect((await child).exitCode).toBe(130);
    } finally {
      child.kill('SIGKILL');
    }
    expect(await dumpGlobals()).toBe(before);
    expect(await verifyDatabases()).toEqual([]);
  });

  it('gives the roles back on the next run after a killed one', async () => {
    await admin.query(OTHER_ROLES);
    const before = await dumpGlobals();
    const { child } = await slowRun('roles-killed');
    child.kill('SIGKILL');
    await child;
    // The killed run's session is gone once the server noticed; its roles stay changed.
    while (await sessionsRunning('%', 'create-saas-db verify run %')) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await apiRoles()).toEqual(SUPABASE_BEHAVIOUR);
    expect(await dumpGlobals()).not.toBe(before);

    const next = await runVerifyJson(['04', repo, '--db-url', server.url, ...SKIP]);
    expect(next.exitCode).toBe(0);
    expect(check(next.report, 'migrations').warnings).toEqual([]);
    expect(await dumpGlobals()).toBe(before);
    expect(await verifyDatabases()).toEqual([]);
  });

  it('refuses, changing nothing, when the URL role may not make the roles behave as Supabase', async () => {
    await admin.query(OTHER_ROLES);
    await admin.query('create role verify_creator login createdb createrole');
    const before = await dumpGlobals();
    const url = new URL(server.url);
    url.username = 'verify_creator';
    const { exitCode, report } = await runVerifyJson(['04', repo, '--db-url', url.toString(), ...SKIP]);
    expect(exitCode).toBe(1);
    expect(check(report, 'migrations').reason).toBe(
      `cannot prepare the database: the server's role authenticated is BYPASSRLS where Supabase's is NOBYPASSRLS, and the role in the database URL may not change that for the run (must be superuser to change bypassrls attribute): connect as a superuser, or alter role "authenticated" NOBYPASSRLS`,
    );
    expect(check(report, 'schema')).toMatchObject({ status: 'skip', reason: 'the database could not be prepared' });
    expect(await dumpGlobals()).toBe(before);
    expect(await verifyDatabases()).toEqual([]);
  });
});

describe('verify-phase 04 --db-url on a server that changed during the run', () => {
  it("reports a role setting the repo's migration changed, in --json and in the human report", async () => {
    await admin.query(SUPABASE_ROLES);
    const changing = await copyRepo(repo, 'role-setting');
    await writeRepoFile(
      changing,
      'supabase/migrations/00003_setting.sql',
      "set role anon;\nalter role anon set work_mem = '1GB';\nreset role;\n",
    );
    const warning = 'the server changed during the run: setting work_mem of role anon added ("1GB")';
    const { exitCode, report } = await runVerifyJson(['04', changing, '--db-url', server.url, '--grants', 'legacy', ...SKIP]);
    expect(exitCode).toBe(0);
    expect(check(report, 'migrations').warnings).toEqual([{ message: warning }]);
    await admin.query('alter role anon reset all');

    const human = await runVerify(['04', changing, '--db-url', server.url, '--grants', 'legacy', ...SKIP]);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain(`    warning: ${warning}\n`);
  });

  it('reports what another client changed meanwhile, and nothing the run did itself', async () => {
    await admin.query(OTHER_ROLES);
    const slow = await copyRepo(repo, 'concurrent');
    await writeRepoFile(slow, 'supabase/migrations/00003_slow.sql', 'select pg_sleep(3);\n');
    const run = runVerifyJson(['04', slow, '--db-url', server.url, '--grants', 'legacy', ...SKIP]);
    while (!(await sessionsRunning('%pg_sleep(3)%'))) await new Promise((resolve) => setTimeout(resolve, 50));
    await admin.query(
      "create role verify_bystander; alter database postgres set work_mem = '2MB'; comment on database postgres is 'renamed'",
    );
    const { exitCode, report } = await run;
    expect(exitCode).toBe(0);
    expect(check(report, 'migrations').warnings).toEqual([
      {
        message:
          'the server changed during the run: comment on database postgres: text "default administrative connection database" → "renamed"',
      },
      { message: 'the server changed during the run: role verify_bystander added' },
      { message: 'the server changed during the run: setting work_mem of database postgres added ("2MB")' },
    ]);
  });
});

describe('verify-phase 04 --db-url on a server that has the emulation roles already', () => {
  it("leaves the server's roles and their settings as they were: the emulation's role settings belong to the run's database", async () => {
    // As the tests' shared server has them (global-setup), and a server a run has installed on.
    const existed = new Set((await admin.query<{ rolname: string }>('select rolname from pg_roles')).rows.map((r) => r.rolname));
    await admin.query(rolesSql());
    try {
      const before = await dumpGlobals();
      const run = await verdict();
      expect(run.exitCode).toBe(0);
      expect(await dumpGlobals()).toBe(before);
    } finally {
      for (const role of [...emulationRoleNames()].reverse().filter((r) => !existed.has(r)))
        await admin.query(`drop role if exists ${role}`);
    }
  });
});
