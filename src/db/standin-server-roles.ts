/**
 * The stand-in's roles on a `--db-url` server. Roles belong to the server, not to a database, so
 * they outlive the temporary databases: a run creates those the server lacks and drops them
 * again once its databases are gone, leaving the server with the roles it had.
 */
import type pg from 'pg';
import { DEPENDENT_OBJECTS_STILL_EXIST, toSqlError } from './sql-error.js';
import { emulationRoleNames } from '../emulation/install.js';
import { DatabaseAccessError, withAdminClient } from './throwaway-database.js';

/**
 * The emulation's roles (resources/emulation/sql/00_roles.sql) the server lacks, in creation order. When there are some, the URL's role
 * must be able to create them.
 */
export async function missingStandInRoles(adminUrl: string): Promise<string[]> {
  return withAdminClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ missing: string[]; may_create: boolean }>(
      `select coalesce(array_agg(wanted.name order by wanted.n) filter (where r.oid is null), '{}') as missing,
              (select rolsuper or rolcreaterole from pg_catalog.pg_roles where rolname = current_user) as may_create
         from unnest($1::text[]) with ordinality as wanted(name, n)
         left join pg_catalog.pg_roles r on r.rolname = wanted.name`,
      [emulationRoleNames()],
    );
    const { missing, may_create: mayCreate } = rows[0]!;
    if (missing.length > 0 && !mayCreate) {
      throw new DatabaseAccessError(
        'cannot-create-roles',
        `the server has no role ${missing.join(', ')} (Supabase's roles) and the role in the database URL may not create roles (needs CREATEROLE): create them, or connect as a role that may`,
      );
    }
    return missing;
  });
}

/** Some of the roles a run created were left on the server; the message says which and why. */
export class RolesKeptError extends Error {
  constructor(
    readonly roles: readonly string[],
    reason: string,
  ) {
    super(`left role ${roles.join(', ')} on the server: ${reason}`);
    this.name = 'RolesKeptError';
  }
}

/**
 * Drops `roles`, which this run created. A role some database still depends on is kept, and so
 * is every one while another `verify_*` database exists: that run may be about to use them.
 * What was kept comes back as a RolesKeptError.
 */
export async function dropStandInRoles(adminUrl: string, roles: readonly string[]): Promise<void> {
  await withAdminClient(adminUrl, async (client) => {
    const others = await otherVerifyDatabases(client);
    if (others.length > 0) {
      throw new RolesKeptError(roles, `database ${others.join(', ')} may be using them; drop them once it is gone`);
    }
    const kept: string[] = [];
    let reason = '';
    for (const role of roles) {
      try {
        await client.query(`drop role if exists ${role}`);
      } catch (error) {
        const sqlError = toSqlError(error);
        if (sqlError.code !== DEPENDENT_OBJECTS_STILL_EXIST) throw sqlError;
        kept.push(role);
        reason ||= `${sqlError.message}${sqlError.detail ? ` (${sqlError.detail.split('\n')[0]})` : ''}`;
      }
    }
    if (kept.length > 0) throw new RolesKeptError(kept, reason);
  });
}

async function otherVerifyDatabases(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ datname: string }>(
    `select datname from pg_catalog.pg_database where datname like 'verify\\_%' order by 1`,
  );
  return rows.map((r) => r.datname);
}
