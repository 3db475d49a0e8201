import { execa } from 'execa';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { emulationRoleNames } from '../../src/emulation/install.js';
import { repoRoot } from '../helpers/fixtures.js';
import type { PrivatePostgres } from '../helpers/private-postgres.js';
import { dumpServer, usePrivateServerAndRepo } from './helpers/private-server.js';
import { check, copyRepo, runVerifyJson, statusesOf, testCacheDir, writeRepoFile } from './helpers/repo.js';

/**
 * `--db-url` on a server without Supabase's API roles (a plain PostgreSQL, as in most CI
 * services): roles belong to the server, not to the temporary database, so the run must drop the
 * ones it created. A private server, because the shared one has the roles (see global-setup).
 */
const createBin = path.join(repoRoot, 'bin', 'create-saas-db.js');
const API_ROLES = ['anon', 'authenticated', 'service_role', 'authenticator'];
/** The emulation's roles the private server lacks (it has postgres), in creation order. */
const MISSING_ROLES = emulationRoleNames().filter((r) => r !== 'postgres');
const SKIP = ['--skip', 'typescript,python'];
/** The application_name of the session that lets a waiting migration go on. */
const GO = 'csdb-test-go';

let server: PrivatePostgres;
let admin: pg.Client;
let repo: string;
usePrivateServerAndRepo((run) => ({ server, admin, repo } = run));

/** Every role of the server with its attributes and memberships, as pg_dumpall writes them. */
function dumpRoles(): Promise<string> {
  return dumpServer(server.url, '--roles-only');
}

async function existingApiRoles(): Promise<string[]> {
  const { rows } = await admin.query<{ rolname: string }>('select rolname from pg_roles where rolname = any($1) order by 1', [API_ROLES]);
  return rows.map((r) => r.rolname);
}

async function verifyDatabases(): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'verify\\_%' order by 1`);
  return rows.map((r) => r.datname);
}

const urlAs = (role: string) => {
  const url = new URL(server.url);
  url.username = role;
  return url.toString();
};

describe('verify-phase 04 --db-url on a server without the API roles', () => {
  it('creates the roles for the run and drops them afterwards, on success and on failure', async () => {
    const before = await dumpRoles();
    expect(await existingApiRoles()).toEqual([]);

    const good = await runVerifyJson(['04', repo, '--db-url', server.url, ...SKIP]);
    expect(statusesOf(good.report)).toMatchObject({
      migrations: 'pass',
      schema: 'pass',
      rls: 'pass',
      advisors: 'pass',
      seed: 'pass',
      pgtap: 'pass',
    });
    expect(good.exitCode).toBe(0);
    expect(check(good.report, 'migrations').warnings).toEqual([]);
    expect(await dumpRoles()).toBe(before);

    const broken = await copyRepo(repo, 'roles-broken');
    await writeRepoFile(broken, 'supabase/migrations/00003_broken.sql', 'select 1/0;\n');
    const bad = await runVerifyJson(['04', broken, '--db-url', server.url, ...SKIP]);
    expect(bad.exitCode).toBe(1);
    expect(check(bad.report, 'migrations').status).toBe('fail');
    expect(await dumpRoles()).toBe(before);
    expect(await verifyDatabases()).toEqual([]);
  });

  it('drops the roles and the database on Ctrl-C through create-saas-db verify, and exits 130', async () => {
    const before = await dumpRoles();
    const slow = await copyRepo(repo, 'roles-sigint');
    await writeRepoFile(slow, 'supabase/migrations/00003_slow.sql', 'select pg_sleep(60);\n');
    const child = execa(process.execPath, [createBin, 'verify', '04', slow, '--db-url', server.url, ...SKIP], {
      reject: false,
      env: { CREATE_SAAS_DB_CACHE_DIR: testCacheDir },
    });
    try {
      while (!(await sleepingMigration())) await new Promise((resolve) => setTimeout(resolve, 50));
      const { rows: created } = await admin.query(
        `select rolname, rolcanlogin, rolinherit, rolbypassrls,
                array(select g.rolname::text from pg_auth_members m join pg_roles g on g.oid = m.roleid where m.member = r.oid order by 1) as member_of
           from pg_roles r where rolname = any($1) order by 1`,
        [API_ROLES],
      );
      expect(created).toEqual([
        { rolname: 'anon', rolcanlogin: false, rolinherit: true, rolbypassrls: false, member_of: [] },
        { rolname: 'authenticated', rolcanlogin: false, rolinherit: true, rolbypassrls: false, member_of: [] },
        {
          rolname: 'authenticator',
          rolcanlogin: false,
          rolinherit: false,
          rolbypassrls: false,
          member_of: ['anon', 'authenticated', 'service_role'],
        },
        { rolname: 'service_role', rolcanlogin: false, rolinherit: true, rolbypassrls: true, member_of: [] },
      ]);
      // One per grant mode: the second is a copy of the first made before it is used.
      expect(await verifyDatabases()).toHaveLength(2);

      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode).toBe(130);
      expect(String(result.stderr).trim()).toBe('create-saas-db verify: interrupted; temporary databases dropped');
      expect(await verifyDatabases()).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
    expect(await dumpRoles()).toBe(before);
  });

  it('leaves nothing behind beside a database named verify_other, or when two runs overlap', async () => {
    const before = await dumpRoles();
    await admin.query('create database verify_other');
    try {
      const { exitCode, report } = await runVerifyJson(['04', repo, '--db-url', server.url, ...SKIP]);
      expect(exitCode).toBe(0);
      expect(check(report, 'migrations').warnings).toEqual([]);
      expect(await dumpRoles()).toBe(before);
    } finally {
      await admin.query('drop database verify_other');
    }

    // The first run creates the roles and is still in a migration when the second ends: the
    // second keeps them, the first (the last to end) drops them. The first's migration waits
    // until a session named GO connects; neither run reports the other's roles or databases.
    const slow = await copyRepo(repo, 'roles-overlap');
    await writeRepoFile(
      slow,
      'supabase/migrations/00003_wait.sql',
      `do $$ begin
  while not exists (select from pg_stat_activity where application_name = '${GO}') loop
    perform pg_stat_clear_snapshot();
    perform pg_sleep(0.05);
  end loop;
end $$;
`,
    );
    const first = runVerifyJson(['04', slow, '--db-url', server.url, '--grants', 'legacy', ...SKIP]);
    while (!(await sleepingMigration(GO))) await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await runVerifyJson(['04', repo, '--db-url', server.url, '--grants', 'legacy', ...SKIP]);
    expect(second.exitCode).toBe(0);
    expect(check(second.report, 'migrations').warnings).toEqual([]);
    expect(await existingApiRoles()).toEqual([...API_ROLES].sort());
    const go = new pg.Client({ connectionString: server.url, application_name: GO });
    await go.connect();
    try {
      const firstDone = await first;
      expect(firstDone.exitCode).toBe(0);
      expect(check(firstDone.report, 'migrations').warnings).toEqual([]);
    } finally {
      await go.end();
    }
    expect(await verifyDatabases()).toEqual([]);
    expect(await dumpRoles()).toBe(before);
  });

  it('fails with a clear message when the role may create databases but not roles, and creates nothing', async () => {
    await admin.query('create role verify_creator login createdb');
    try {
      const before = await dumpRoles();
      const { exitCode, report } = await runVerifyJson(['04', repo, '--db-url', urlAs('verify_creator'), ...SKIP]);
      expect(exitCode).toBe(1);
      expect(check(report, 'migrations').reason).toBe(
        `cannot prepare the database: the server has no role ${MISSING_ROLES.join(', ')} (Supabase's roles) and the role in the database URL may not create roles (needs CREATEROLE): create them, or connect as a role that may`,
      );
      expect(check(report, 'schema')).toMatchObject({ status: 'skip', reason: 'the database could not be prepared' });
      expect(await verifyDatabases()).toEqual([]);
      expect(await dumpRoles()).toBe(before);
    } finally {
      await admin.query('drop role verify_creator');
    }
  });
});

async function sleepingMigration(call = 'pg_sleep(60)'): Promise<boolean> {
  const { rows } = await admin.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity where query like $1 and state = 'active' and pid <> pg_backend_pid()`,
    [`%${call}%`],
  );
  return rows[0]!.n > 0;
}
