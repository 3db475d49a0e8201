import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrivatePostgres } from '../helpers/private-postgres.js';
import { dumpServer, usePrivateServerAndRepo } from './helpers/private-server.js';
import { check, copyRepo, runVerifyJson, writeRepoFile } from './helpers/repo.js';

/**
 * A repo's migrations are untrusted input: with a superuser `--db-url`, verify runs them as a
 * role with no more than a project's postgres rights, so what a project refuses fails here too,
 * and the server's cluster-wide state is what it was. A private server, since these tests compare
 * its globals.
 */
const SKIP = ['--skip', 'typescript,python'];

let server: PrivatePostgres;
let admin: pg.Client;
let repo: string;
usePrivateServerAndRepo((run) => ({ server, admin, repo } = run));

/** Roles, role settings, memberships and tablespaces, as pg_dumpall writes them. */
function dumpGlobals(): Promise<string> {
  return dumpServer(server.url, '--globals-only');
}

async function autoConf(): Promise<string> {
  const { rows } = await admin.query<{ conf: string }>(`select pg_read_file('postgresql.auto.conf') as conf`);
  return rows[0]!.conf;
}

async function verifyDatabases(): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'verify\\_%' order by 1`);
  return rows.map((r) => r.datname);
}

async function otherBackends(): Promise<unknown[]> {
  const { rows } = await admin.query(
    `select pid, datname, usename, query from pg_stat_activity
      where backend_type = 'client backend' and pid <> pg_backend_pid()`,
  );
  return rows;
}

async function withMigration(label: string, sql: string): Promise<string> {
  const copy = await copyRepo(repo, label);
  await writeRepoFile(copy, 'supabase/migrations/00003_hostile.sql', sql);
  return copy;
}

describe('verify-phase 04 --db-url with a superuser URL and a hostile migration', () => {
  it("runs the repo's SQL as a role that is not a superuser, member of the API roles", async () => {
    const probe = await withMigration(
      'probe',
      `do $$ begin
  if (select rolsuper from pg_roles where rolname = current_user) then raise exception 'runs as a superuser'; end if;
  if not pg_has_role(current_user, 'authenticated', 'member') then raise exception 'not a member of authenticated'; end if;
  if (select nspowner::regrole::text from pg_namespace where nspname = 'public') <> 'pg_database_owner'
     or (select datdba::regrole::text from pg_database where datname = current_database()) <> current_user::text then
    raise exception 'does not own the database';
  end if;
end $$;
create schema private_stuff;
create table private_stuff.t (id int);
`,
    );
    const { exitCode, report } = await runVerifyJson(['04', probe, '--db-url', server.url, ...SKIP]);
    expect(check(report, 'migrations')).toMatchObject({ status: 'pass', findings: [], warnings: [] });
    expect(exitCode).toBe(0);
  });

  const marker = `/tmp/csdb-hostile-${randomBytes(4).toString('hex')}`;
  it.each([
    ['create role … superuser', 'create role verify_intruder superuser login;\n', /must be superuser to create superusers/],
    [
      'alter system',
      "alter system set work_mem = '1GB';\n",
      /ALTER SYSTEM cannot run inside a transaction block|permission denied to set parameter/,
    ],
    ['copy … to program', `copy (select 1) to program 'touch ${marker}';\n`, /COPY TO\/FROM PROGRAM is not allowed on Supabase/],
    ['alter role postgres set', "alter role postgres set work_mem = '1GB';\n", /must be superuser to alter superusers/],
  ])('%s fails as on a project and leaves the server as it was', async (label, sql, message) => {
    const globals = await dumpGlobals();
    const conf = await autoConf();
    const hostile = await withMigration(label.replace(/\W+/g, '-'), sql);
    const { exitCode, report } = await runVerifyJson(['04', hostile, '--db-url', server.url, ...SKIP]);
    expect(exitCode).toBe(1);
    const migrations = check(report, 'migrations');
    expect(migrations.status).toBe('fail');
    expect(migrations.findings).toHaveLength(1);
    expect(migrations.findings[0]).toMatchObject({ location: { file: 'supabase/migrations/00003_hostile.sql', line: 1 } });
    expect(migrations.findings[0]!.message).toMatch(message);
    expect(existsSync(marker)).toBe(false);
    expect(await dumpGlobals()).toBe(globals);
    expect(await autoConf()).toBe(conf);
    expect(await verifyDatabases()).toEqual([]);
  });

  it.each([
    ['select pg_sleep(600)', 'select 1;\nselect pg_sleep(600);\n', 2, 'select pg_sleep(600)'],
    ['an endless loop', 'select 1;\ndo $$ begin loop end loop; end $$;\n', 2, 'do $$ begin loop end loop; end $$'],
    [
      'a loop that lifts the time limit',
      'set statement_timeout = 0;\ndo $$ begin loop end loop; end $$;\n',
      2,
      'do $$ begin loop end loop; end $$',
    ],
  ])(
    '%s fails within the statement time limit, naming the file, and leaves no backend',
    async (label, sql, line, statement) => {
      const globals = await dumpGlobals();
      const slow = await withMigration(label.replace(/\W+/g, '-'), sql);
      const started = Date.now();
      const { exitCode, report } = await runVerifyJson([
        '04',
        slow,
        '--db-url',
        server.url,
        '--statement-timeout',
        '2',
        '--grants',
        'legacy',
        ...SKIP,
      ]);
      // The failing statement is known from the run: the limit once, and a margin.
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(exitCode).toBe(1);
      const { findings } = check(report, 'migrations');
      expect(findings).toMatchObject([{ location: { file: 'supabase/migrations/00003_hostile.sql', line } }]);
      expect(findings[0]!.message.split('\n')[0]).toBe(
        `ERROR: statement timeout: a statement ran longer than 2 s (--statement-timeout): ${statement} (SQLSTATE 57014)`,
      );
      expect(await otherBackends()).toEqual([]);
      expect(await verifyDatabases()).toEqual([]);
      expect(await dumpGlobals()).toBe(globals);
    },
    30_000,
  );
});

describe('verify-phase 04 --db-url on a port that never answers', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('fails after the connect time limit with a clear message', async () => {
    const { port } = silent.address() as { port: number };
    const started = Date.now();
    const { exitCode, report } = await runVerifyJson(['04', repo, '--db-url', `postgres://postgres@127.0.0.1:${port}/postgres`, ...SKIP]);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(exitCode).toBe(1);
    expect(check(report, 'migrations').reason).toBe(
      `cannot prepare the database: cannot connect to postgres://postgres@127.0.0.1:${port}/postgres: no answer from the server within 10 s (connect timeout)`,
    );
  }, 40_000);
});
