/**
 * Makes a `--db-url` server's roles of Supabase's API role names behave as Supabase's for the
 * run (supabase-api-roles says how), and gives them back afterwards. What a run changes is kept
 * in the role's comment (server-run-marks), so that any later run can give it back, also after
 * a run was killed. Both run in the caller's transaction, under its advisory lock.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { packageRoot } from '../package-root.js';
import {
  CHANGED_ROLE_COMMENT_PATTERN,
  changedRoleComment,
  changedRoleRecord,
  isCreatedRoleComment,
  ROLE_ATTRIBUTES,
  type ChangedRoleRecord,
  type Membership,
} from './server-run-marks.js';
import { quoteIdent, quoteLiteral } from './sql-quote.js';
import { INSUFFICIENT_PRIVILEGE, toSqlError } from './sql-error.js';
import { attributeKeyword, MATCHED_ROLE_NAMES, planRoleMatch, type RoleChange, type RoleState } from './supabase-api-roles.js';
import { DatabaseAccessError } from './throwaway-database.js';

const ROLE_STATES_SQL = readFileSync(path.join(packageRoot, 'resources', 'server-run', 'role-states.sql'), 'utf8');

async function readRoleStates(client: pg.Client, roles: readonly string[]): Promise<RoleState[]> {
  const { rows } = await client.query<{
    role: string;
    attributes: RoleState['attributes'];
    member_of: Membership[];
    comment: string | null;
  }>(ROLE_STATES_SQL, [roles]);
  return rows.map((r) => ({ role: r.role, attributes: r.attributes, memberOf: r.member_of, comment: r.comment }));
}

/**
 * Changes the server's roles that differ from Supabase's, recording each change in the role's
 * comment under `runId` (a record already there, from a run still live or killed, keeps what
 * the role was first). When the URL's role may not make one of the changes, nothing is changed
 * (the caller rolls back) and a DatabaseAccessError names the role and the attribute or
 * membership. Returns the number of changes.
 */
export async function matchServerRoles(client: pg.Client, runId: string): Promise<number> {
  const states = await readRoleStates(client, MATCHED_ROLE_NAMES);
  const changes = planRoleMatch(states);
  const records = new Map<string, ChangedRoleRecord>();
  const recordOf = (state: RoleState): ChangedRoleRecord | null => {
    // A role a run created goes when runs end: there is nothing to give back.
    if (isCreatedRoleComment(state.comment)) return null;
    let record = records.get(state.role);
    if (!record) {
      const kept = changedRoleRecord(state.comment);
      record = kept ? structuredClone(kept) : { comment: state.comment, attributes: {}, granted: [], revoked: [] };
      records.set(state.role, record);
    }
    return record;
  };
  for (const change of changes) {
    const state = states.find((s) => s.role === change.role)!;
    const record = recordOf(state);
    await refusedUnlessDone(client, change, changeSql(change));
    switch (change.kind) {
      case 'attribute':
        if (record) record.attributes[change.attribute] ??= state.attributes[change.attribute];
        break;
      case 'revoke':
        // What is taken must be given back as it was: try that now, while nothing is lost.
        await client.query('savepoint give_back');
        await refusedUnlessDone(client, change, giveBackSql(change.role, change.membership), 'give it back afterwards');
        await client.query('rollback to savepoint give_back');
        record?.revoked.push(change.membership);
        break;
      case 'grant':
        record?.granted.push({ role: change.group, adminOnly: change.adminOnly });
        break;
    }
  }
  for (const [role, record] of records) {
    const sql = `comment on role ${quoteIdent(role)} is ${quoteLiteral(changedRoleComment(runId, record))}`;
    await refusedUnlessDone(client, { kind: 'comment', role }, sql, "note in the role's comment what the run changes");
  }
  return changes.length;
}

function changeSql(change: RoleChange): string {
  const role = quoteIdent(change.role);
  switch (change.kind) {
    case 'attribute':
      return `alter role ${role} ${attributeKeyword(change.attribute, change.to)}`;
    case 'revoke':
      return `revoke ${quoteIdent(change.membership.role)} from ${role}${grantedBy(change.membership.grantor)}`;
    case 'grant':
      return `grant ${quoteIdent(change.group)} to ${role}${change.admin ? ' with admin option' : ''}`;
  }
}

/** The membership as the server had it: admin option, grantor and, on 16+, its other options. */
function giveBackSql(role: string, membership: Membership): string {
  const { inherit_option: inherit, set_option: set } = membership.options;
  const options =
    typeof inherit === 'boolean' && typeof set === 'boolean'
      ? ` with admin ${membership.admin}, inherit ${inherit}, set ${set}`
      : membership.admin
        ? ' with admin option'
        : '';
  return `grant ${quoteIdent(membership.role)} to ${quoteIdent(role)}${options}${grantedBy(membership.grantor)}`;
}

const grantedBy = (grantor: string | null) => (grantor ? ` granted by ${quoteIdent(grantor)}` : '');

async function refusedUnlessDone(
  client: pg.Client,
  change: RoleChange | { kind: 'comment'; role: string },
  sql: string,
  what = 'change that for the run',
): Promise<void> {
  try {
    await client.query(sql);
  } catch (error) {
    const sqlError = toSqlError(error);
    if (sqlError.code !== INSUFFICIENT_PRIVILEGE) throw sqlError;
    const [difference, remedy] = describe(change);
    throw new DatabaseAccessError(
      'cannot-match-roles',
      `the server's role ${change.role} ${difference}, and the role in the database URL may not ${what} (${sqlError.message}): connect as a superuser, or ${remedy}`,
      sqlError,
    );
  }
}

/** How the role differs from Supabase's, and the statement that would make it the same. */
function describe(change: RoleChange | { kind: 'comment'; role: string }): [string, string] {
  const role = quoteIdent(change.role);
  switch (change.kind) {
    case 'attribute': {
      const wanted = attributeKeyword(change.attribute, change.to);
      return [`is ${attributeKeyword(change.attribute, !change.to)} where Supabase's is ${wanted}`, `alter role ${role} ${wanted}`];
    }
    case 'revoke':
      return [`is a member of ${change.membership.role}, Supabase's is not`, `revoke ${quoteIdent(change.membership.role)} from ${role}`];
    case 'grant':
      return change.adminOnly
        ? [`has no admin option on ${change.group}, Supabase's has`, `grant ${quoteIdent(change.group)} to ${role} with admin option`]
        : [`is not a member of ${change.group}, Supabase's is`, changeSql(change)];
    case 'comment':
      return ["differs from Supabase's", "make it as Supabase's"];
  }
}

/** A role runs changed that could not be given back, and why. */
export interface RoleNotGivenBack {
  readonly role: string;
  readonly reason: string;
}

/**
 * Gives back every role runs changed, as its record says: memberships runs gave are taken,
 * those they took are given, then attributes and comment. Each role is given back whole or not
 * at all; those that could not be are returned.
 */
export async function giveBackChangedRoles(client: pg.Client): Promise<RoleNotGivenBack[]> {
  const { rows } = await client.query<{ role: string; comment: string }>(
    `select r.rolname::text as role, pg_catalog.shobj_description(r.oid, 'pg_authid') as comment
       from pg_catalog.pg_roles r
      where pg_catalog.shobj_description(r.oid, 'pg_authid') ~ $1
      order by 1`,
    [CHANGED_ROLE_COMMENT_PATTERN],
  );
  const failures: RoleNotGivenBack[] = [];
  for (const { role, comment } of rows) {
    const record = changedRoleRecord(comment);
    if (!record) {
      failures.push({ role, reason: 'its comment holds no record of what it was' });
      continue;
    }
    await client.query('savepoint give_back_role');
    try {
      for (const sql of await giveBackSqls(client, role, record)) await client.query(sql);
      await client.query('release savepoint give_back_role');
    } catch (error) {
      await client.query('rollback to savepoint give_back_role');
      failures.push({ role, reason: toSqlError(error).message });
    }
  }
  return failures;
}

async function giveBackSqls(client: pg.Client, role: string, record: ChangedRoleRecord): Promise<string[]> {
  const [state] = await readRoleStates(client, [role]);
  const { rows: present } = await client.query<{ rolname: string }>(
    'select rolname::text from pg_catalog.pg_roles where rolname = any($1)',
    [[...record.granted.map((g) => g.role), ...record.revoked.map((m) => m.role)]],
  );
  const exists = new Set(present.map((r) => r.rolname));
  const held = (group: string) => state?.memberOf.filter((m) => m.role === group) ?? [];
  const sqls: string[] = [];
  for (const given of record.granted) {
    for (const membership of held(given.role)) {
      sqls.push(
        `revoke ${given.adminOnly ? 'admin option for ' : ''}${quoteIdent(given.role)} from ${quoteIdent(role)}${grantedBy(membership.grantor)}`,
      );
    }
  }
  for (const taken of record.revoked) {
    if (exists.has(taken.role) && held(taken.role).length === 0) sqls.push(giveBackSql(role, taken));
  }
  const attributes = ROLE_ATTRIBUTES.filter((a) => record.attributes[a] !== undefined).map((a) =>
    attributeKeyword(a, record.attributes[a]!),
  );
  if (attributes.length > 0) sqls.push(`alter role ${quoteIdent(role)} ${attributes.join(' ')}`);
  sqls.push(`comment on role ${quoteIdent(role)} is ${record.comment === null ? 'null' : quoteLiteral(record.comment)}`);
  return sqls;
}
