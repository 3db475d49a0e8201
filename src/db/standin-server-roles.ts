/**
 * A `--db-url` run's footprint on the server beyond its temporary databases: roles.
 *
 * - The emulation's roles the server lacks are created for the run, each commented with the
 *   run's mark, so any run knows them for ours whatever databases exist; they are dropped when
 *   the last live run ends (a run is live while its session, named by application_name, is
 *   connected).
 * - The server's roles of Supabase's API role names that would behave otherwise than Supabase's
 *   are changed for the run, what they were kept in their comments (server-role-match); the last
 *   live run to end gives them back, and so does the next run after a killed one.
 * - When the URL's role could do more than Supabase's postgres (a superuser, say), the repo's
 *   SQL runs as a role of the run's own with postgres's rights in the temporary database and
 *   nothing that reaches beyond it (resources/server-run), and what supautils lets postgres do
 *   on platform tables it does not own goes through a second role of the run's, a member of
 *   their owners (table-grants.sql, standin-server-grants). Both are dropped when the run ends.
 *
 * Creation and drop take an advisory lock in the URL's database, so a run that starts while
 * another ends either is seen live or finds the roles gone and creates them again.
 *
 * The server's cluster-level state is read before the run changes anything and again once it
 * has given everything back: what differs (the repo's SQL or another client changed it) is
 * reported, not undone.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { emulationRoleNames, rolesSql } from '../emulation/install.js';
import { supautilsConfig } from '../emulation/supautils.js';
import { packageRoot } from '../package-root.js';
import { clusterChanges, readClusterState, type ClusterState } from './cluster-state.js';
import { connectPostgres, type ServerTimeLimits, type SqlEngine } from './engine.js';
import { giveBackChangedRoles, matchServerRoles } from './server-role-match.js';
import { CREATED_ROLE_COMMENT_PATTERN, RUN_MARK, runMark } from './server-run-marks.js';
import { quoteIdent, quoteLiteral } from './sql-quote.js';
import { DEPENDENT_OBJECTS_STILL_EXIST, toSqlError } from './sql-error.js';
import { DatabaseAccessError, redactedUrl } from './throwaway-database.js';

const SQL_DIR = path.join(packageRoot, 'resources', 'server-run');
const sqlFile = (name: string) => readFileSync(path.join(SQL_DIR, name), 'utf8');

/** Serialises role creation and drop between runs (an arbitrary constant). */
const ROLES_LOCK = 0x76657269;

export interface ServerRun {
  readonly id: string;
  /** The role the repo's SQL runs as: the run's own, or null for the URL's. */
  readonly runRole: string | null;
  /** The URL the repo's SQL connects with, for a database URL of the installer's. */
  userUrl(databaseUrl: string): string;
  /** In a new temporary database, after the emulation (as the installer): the run role's rights. */
  grantRights(installer: SqlEngine): Promise<void>;
  /**
   * Drops the run's role and, when no other run is live, every run's roles, and gives back the
   * roles runs changed. Once.
   */
  end(): Promise<void>;
  /**
   * Once end() has resolved (or thrown RolesKeptError): each change to the server's
   * cluster-level state since the run started that the run did not give back, one line each.
   */
  serverChanges(): readonly string[];
}

/**
 * Some roles runs created were left on the server, or roles they changed were not given back;
 * the message names them and says why.
 */
export class RolesKeptError extends Error {
  constructor(
    readonly roles: readonly string[],
    reason: string,
    how = 'left role',
  ) {
    super(`${how} ${roles.join(', ')} on the server: ${reason}`);
    this.name = 'RolesKeptError';
  }
}

/**
 * Starts a run on the server at `adminUrl`. `registerEnd` receives the run's end before anything
 * is created (so an interruption undoes it) and returns the end the run uses.
 */
export async function startServerRun(
  adminUrl: string,
  limits: ServerTimeLimits,
  registerEnd: (end: () => Promise<void>, label: string) => () => Promise<void>,
): Promise<ServerRun> {
  const id = randomBytes(6).toString('hex');
  const mark = runMark(id);
  const session = await connectPostgres(adminUrl, { ...limits, applicationName: mark }).catch((error: unknown) => {
    const sqlError = toSqlError(error);
    throw new DatabaseAccessError('unreachable', `cannot connect to ${redactedUrl(adminUrl)}: ${sqlError.message}`, sqlError);
  });
  let runRole: string | null = null;
  let grantRole: string | null = null;
  let password = '';
  let before: ClusterState | null = null;
  let changes: readonly string[] = [];
  const end = registerEnd(
    () => endRun(session, [runRole, grantRole], before, (found) => (changes = found)),
    `the roles commented "${mark}"`,
  );
  try {
    const escapes = await rolesReaching(session, null);
    before = await prepareRoles(session, id);
    if (escapes.length > 0) {
      runRole = `verify_${id}_postgres`;
      grantRole = `verify_${id}_supautils`;
      password = randomBytes(18).toString('base64url');
      await createRunRole(session, { runRole, grantRole, password, mark }, escapes);
    }
  } catch (error) {
    await end().catch(() => undefined);
    throw error;
  }
  return {
    id,
    runRole,
    userUrl(databaseUrl) {
      if (!runRole) return databaseUrl;
      const url = new URL(databaseUrl);
      url.username = runRole;
      url.password = password;
      return url.toString();
    },
    async grantRights(installer) {
      if (!runRole || !grantRole) return;
      const { policyTables, dropTriggerTables } = supautilsConfig();
      await installer.query(
        `select pg_catalog.set_config('verify.run_role', $1, false), pg_catalog.set_config('verify.grant_role', $2, false),
                pg_catalog.set_config('verify.granted_tables', $3, false)`,
        [runRole, grantRole, JSON.stringify({ policy: [...policyTables], 'drop trigger': [...dropTriggerTables] })],
      );
      await installer.exec(sqlFile('run-role-rights.sql'));
      await installer.exec(sqlFile('table-grants.sql'));
    },
    end,
    serverChanges: () => changes,
  };
}

/** The roles through which `role` (null: the session's) could act beyond a project's postgres. */
async function rolesReaching(client: pg.Client, role: string | null): Promise<string[]> {
  const name = role ?? (await client.query<{ u: string }>('select current_user::text as u')).rows[0]!.u;
  const { rows } = await client.query<{ role: string }>(sqlFile('escapes.sql'), [name]);
  return rows.map((r) => r.role);
}

/**
 * In one transaction: reads the server's cluster-level state, makes its roles of Supabase's API
 * role names behave as Supabase's and creates the emulation's roles it lacks, commented with the
 * run's mark; then gives the roles that existed the memberships in those just created. Returns
 * the state read first.
 */
async function prepareRoles(client: pg.Client, id: string): Promise<ClusterState> {
  const wanted = emulationRoleNames();
  const present = async () =>
    new Set(
      (await client.query<{ rolname: string }>('select rolname::text from pg_catalog.pg_roles where rolname = any($1)', [wanted])).rows.map(
        (r) => r.rolname,
      ),
    );
  await client.query('begin');
  try {
    await client.query('select pg_catalog.pg_advisory_xact_lock($1)', [ROLES_LOCK]);
    const state = await readClusterState(client);
    const before = await present();
    const missing = wanted.filter((r) => !before.has(r));
    if (missing.length > 0) {
      const { rows } = await client.query<{ may: boolean }>(
        'select rolsuper or rolcreaterole as may from pg_catalog.pg_roles where rolname = current_user',
      );
      if (!rows[0]?.may) {
        throw new DatabaseAccessError(
          'cannot-create-roles',
          `the server has no role ${missing.join(', ')} (Supabase's roles) and the role in the database URL may not create roles (needs CREATEROLE): create them, or connect as a role that may`,
        );
      }
    }
    // Before the emulation's roles: its grants to a postgres that exists must be on record.
    await matchServerRoles(client, id);
    if (missing.length > 0) {
      await client.query(rolesSql());
      const after = await present();
      for (const role of missing.filter((r) => after.has(r))) {
        await client.query(`comment on role ${quoteIdent(role)} is ${quoteLiteral(runMark(id))}`);
      }
      await matchServerRoles(client, id);
    }
    await client.query('commit');
    return state;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

interface RunRoles {
  /** Runs the repo's SQL. */
  readonly runRole: string;
  /** Owns what table-grants.sql installs: runs what supautils would run as its superuser. */
  readonly grantRole: string;
  readonly password: string;
  readonly mark: string;
}

async function createRunRole(client: pg.Client, roles: RunRoles, escapes: readonly string[]): Promise<void> {
  const { runRole, grantRole, password, mark } = roles;
  const refuse = (why: string) =>
    new DatabaseAccessError(
      'cannot-drop-rights',
      `the role in the database URL has rights a Supabase project's postgres lacks (through ${escapes.join(', ')}) and ${why}: use a URL whose role is not a superuser, or one that may create roles`,
    );
  const { rows } = await client.query<{ may: boolean }>(
    'select rolsuper or rolcreaterole as may from pg_catalog.pg_roles where rolname = current_user',
  );
  if (!rows[0]?.may) throw refuse('may not create a role without them');
  await client.query(
    `select pg_catalog.set_config('verify.run_role', $1, false), pg_catalog.set_config('verify.run_password', $2, false),
            pg_catalog.set_config('verify.run_mark', $3, false), pg_catalog.set_config('verify.grant_role', $4, false)`,
    [runRole, password, mark, grantRole],
  );
  try {
    await client.query(sqlFile('run-role.sql'));
  } finally {
    await client.query(`select pg_catalog.set_config('verify.run_password', '', false)`).catch(() => undefined);
  }
  const reached = await rolesReaching(client, runRole);
  if (reached.length > 0) throw refuse(`the run's role would still reach ${reached.join(', ')}`);
}

/**
 * Drops the run's roles, then, when no other run is live, gives back the roles runs changed and
 * drops every role a run created: when several overlap, the last one to end does. A role some
 * database still depends on is kept and named (a RolesKeptError), and so is a role that could
 * not be given back. Then hands `report` what changed on the server since `before`.
 */
async function endRun(
  session: pg.Client,
  runRoles: readonly (string | null)[],
  before: ClusterState | null,
  report: (changes: readonly string[]) => void,
): Promise<void> {
  try {
    await dropDeadRunsDatabases(session);
    await session.query('begin');
    await session.query('select pg_catalog.pg_advisory_xact_lock($1)', [ROLES_LOCK]);
    const { rows: live } = await session.query<{ n: number }>(
      `select count(*)::int as n from pg_catalog.pg_stat_activity
        where application_name like $1 and pid <> pg_catalog.pg_backend_pid()`,
      [`${RUN_MARK} %`],
    );
    const last = live[0]!.n === 0;
    const notGivenBack = last ? await giveBackChangedRoles(session) : [];
    // This run's roles, the roles of runs no longer live, and, when this run is the last, all.
    const { rows: ours } = await session.query<{ rolname: string }>(
      `select r.rolname::text from pg_catalog.pg_roles r
         join pg_catalog.pg_shdescription d on d.objoid = r.oid and d.classoid = 'pg_catalog.pg_authid'::regclass
        where d.description ~ $1
          and (r.rolname = any ($2::text[]) or $3
               or (r.rolname ~ '^verify_[0-9a-f]+_(postgres|supautils)$'
                   and not exists (select from pg_catalog.pg_stat_activity a where a.application_name = d.description)))
        order by array_position($4::text[], r.rolname::text) desc nulls first`,
      [CREATED_ROLE_COMMENT_PATTERN, runRoles.filter((r) => r !== null), last, [...emulationRoleNames()]],
    );
    const kept: string[] = [];
    let reason = '';
    for (const { rolname } of ours) {
      await session.query('savepoint drop_role');
      try {
        await session.query(`drop role if exists ${quoteIdent(rolname)}`);
        await session.query('release savepoint drop_role');
      } catch (error) {
        const sqlError = toSqlError(error);
        if (sqlError.code !== DEPENDENT_OBJECTS_STILL_EXIST) throw sqlError;
        await session.query('rollback to savepoint drop_role');
        kept.push(rolname);
        reason ||= `${sqlError.message}${sqlError.detail ? ` (${sqlError.detail.split('\n')[0]})` : ''}`;
      }
    }
    const after = before ? await readClusterState(session) : null;
    await session.query('commit');
    if (before && after) report(clusterChanges(before, after));
    if (kept.length > 0) throw new RolesKeptError(kept, `${reason}; drop them once nothing depends on them`);
    if (notGivenBack.length > 0) {
      throw new RolesKeptError(
        notGivenBack.map((r) => r.role),
        `${notGivenBack[0]!.reason}; the role's comment says what it was`,
        'could not give back role',
      );
    }
  } finally {
    await session.query('rollback').catch(() => undefined);
    await session.end().catch(() => undefined);
  }
}

/**
 * Temporary databases left by runs that are no longer live (killed before their cleanup): they
 * belong to a run's role, marked with the run, and no session carries that mark.
 */
async function dropDeadRunsDatabases(session: pg.Client): Promise<void> {
  const { rows } = await session.query<{ datname: string }>(
    `select db.datname::text from pg_catalog.pg_database db
       join pg_catalog.pg_shdescription d on d.objoid = db.datdba and d.classoid = 'pg_catalog.pg_authid'::regclass
      where db.datname like 'verify\\_%' and d.description ~ $1
        and not exists (select from pg_catalog.pg_stat_activity a where a.application_name = d.description)`,
    [CREATED_ROLE_COMMENT_PATTERN],
  );
  for (const { datname } of rows) {
    await session.query(`drop database if exists ${quoteIdent(datname)} with (force)`).catch(() => undefined);
  }
}
