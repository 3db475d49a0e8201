/**
 * supautils on the embedded engine. On a hosted project `postgres` is not a superuser, yet the
 * supautils extension lets it do a fixed list of things that need one: create the privileged
 * extensions, drop triggers and manage policies on some platform tables it does not own, create
 * publications `for all tables` and event triggers; and it forbids touching the reserved roles.
 * The list is the platform's configuration (resources/emulation/supautils/platform.json).
 *
 * Here user SQL runs as `postgres` under a superuser login (see engine-cache), so a statement on
 * the list runs as that superuser (`supabase_admin`, as supautils does), objects owned as on a
 * project, and the session returns to `postgres`. Everything else runs as plain `postgres`.
 * Statements that would leave `postgres` for another session user are refused on every engine.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SqlEngine } from '../db/engine.js';
import { SqlError } from '../db/sql-error.js';
import { packageRoot } from '../package-root.js';
import { EMBEDDED_LOGIN_ROLE, USER_ROLE } from './install.js';

interface PlatformFile {
  readonly superuser: string;
  readonly privilegedRole: string;
  readonly privilegedExtensions: readonly string[];
  readonly policyGrants: Readonly<Record<string, readonly string[]>>;
  readonly dropTriggerGrants: Readonly<Record<string, readonly string[]>>;
  readonly reservedRoles: readonly string[];
  readonly reservedMemberships: readonly string[];
}

export interface SupautilsConfig {
  /** The role statements on the list run as (`supautils.privileged_extensions_superuser`). */
  readonly superuser: string;
  readonly privilegedExtensions: ReadonlySet<string>;
  /** Tables (`schema.table`) on which postgres may create, alter and drop policies. */
  readonly policyTables: ReadonlySet<string>;
  /** Tables on which postgres may drop triggers. */
  readonly dropTriggerTables: ReadonlySet<string>;
  /** Reserved roles, and whether postgres may still change their settings (`alter role … set`). */
  readonly reservedRoles: ReadonlyMap<string, { readonly settingsAllowed: boolean }>;
  readonly reservedMemberships: ReadonlySet<string>;
}

export const SUPAUTILS_CONFIG_FILE = path.join(packageRoot, 'resources', 'emulation', 'supautils', 'platform.json');

let config: SupautilsConfig | null = null;

export function supautilsConfig(): SupautilsConfig {
  if (config) return config;
  const file = JSON.parse(readFileSync(SUPAUTILS_CONFIG_FILE, 'utf8')) as PlatformFile;
  const role = file.privilegedRole;
  return (config = {
    superuser: file.superuser,
    privilegedExtensions: new Set(file.privilegedExtensions),
    policyTables: new Set(file.policyGrants[role] ?? []),
    dropTriggerTables: new Set(file.dropTriggerGrants[role] ?? []),
    reservedRoles: new Map(
      file.reservedRoles.map((entry) => [entry.replace(/\*$/, ''), { settingsAllowed: entry.endsWith('*') }] as const),
    ),
    reservedMemberships: new Set(file.reservedMemberships),
  });
}

export function isPrivilegedExtension(name: string): boolean {
  return supautilsConfig().privilegedExtensions.has(name);
}

/** An object supautils creates as the superuser and then gives to the privileged role. */
export interface HandedOver {
  readonly kind: 'publication' | 'event trigger' | 'foreign data wrapper';
  readonly name: string;
}

/** What the emulation does with one statement of user SQL (null: it runs as written). */
export type SupautilsRule =
  | { readonly kind: 'refuse'; readonly error: SqlError }
  | { readonly kind: 'elevate'; readonly handOver?: HandedOver }
  /** Elevated when the table (as written) resolves to one on the grant's list. */
  | { readonly kind: 'elevate-on-granted-table'; readonly grant: 'policy' | 'drop trigger'; readonly table: string };

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const QUALIFIED = String.raw`${IDENT}(?:\s*\.\s*${IDENT})?`;

const SESSION_AUTHORIZATION = /^(?:set\s+(?:session\s+|local\s+)?session\s+authorization|reset\s+session\s+authorization)\b/i;
const SET_ROLE = new RegExp(String.raw`^set\s+(?:session\s+|local\s+)?role\s+(${IDENT}|'[^']*')`, 'i');
const ALTER_ROLE = new RegExp(String.raw`^alter\s+(?:role|user)\s+(${IDENT})(?:\s+in\s+database\s+${IDENT})?\s*([\s\S]*)$`, 'i');
const DROP_ROLE = /^drop\s+(?:role|user)\s+(?:if\s+exists\s+)?([\s\S]+)$/i;
const GRANT_ROLES = /^grant\s+([\s\S]+?)\s+to\s+/i;
const DROP_TRIGGER = new RegExp(String.raw`^drop\s+trigger\s+(?:if\s+exists\s+)?${IDENT}\s+on\s+(${QUALIFIED})`, 'i');
const POLICY = new RegExp(String.raw`^(?:create|alter|drop)\s+policy\s+(?:if\s+exists\s+)?${IDENT}\s+on\s+(${QUALIFIED})`, 'i');
const PUBLICATION = new RegExp(String.raw`^create\s+publication\s+(${IDENT})[\s\S]*\bfor\s+(?:all\s+tables|tables\s+in\s+schema)\b`, 'i');
const EVENT_TRIGGER = new RegExp(String.raw`^create\s+event\s+trigger\s+(${IDENT})`, 'i');
const FDW = new RegExp(String.raw`^create\s+foreign\s+data\s+wrapper\s+(${IDENT})`, 'i');

const notAllowed = (message: string, hint?: string): SupautilsRule => ({
  kind: 'refuse',
  error: new SqlError(message, '42501', undefined, undefined, hint),
});

/** The rule for one statement (as splitStatements gives it). Extension statements: see extension-substitution. */
export function supautilsRule(sql: string): SupautilsRule | null {
  const cfg = supautilsConfig();
  if (SESSION_AUTHORIZATION.test(sql)) {
    return notAllowed(
      'SET/RESET SESSION AUTHORIZATION is not allowed on Supabase: migrations run as postgres, which cannot become another session user',
      'Remove the statement; use security definer functions for what needs another role.',
    );
  }
  const setRole = SET_ROLE.exec(sql);
  if (setRole && identifier(setRole[1]!) === cfg.superuser) {
    return notAllowed(`SET ROLE ${cfg.superuser} is not allowed on Supabase: postgres is not a member of ${cfg.superuser}`);
  }
  const alterRole = ALTER_ROLE.exec(sql);
  if (alterRole) {
    const name = identifier(alterRole[1]!);
    const reserved = cfg.reservedRoles.get(name);
    if (!reserved) return null;
    if (reserved.settingsAllowed && /^(?:set|reset)\b/i.test(alterRole[2]!.trim())) return { kind: 'elevate' };
    return notAllowed(`"${name}" is a reserved role, only superusers can modify it`);
  }
  const dropRole = DROP_ROLE.exec(sql);
  if (dropRole) {
    const reserved = identifiers(dropRole[1]!).find((name) => cfg.reservedRoles.has(name));
    return reserved ? notAllowed(`"${reserved}" is a reserved role, only superusers can modify it`) : null;
  }
  const grant = GRANT_ROLES.exec(sql);
  if (grant && !/\bon\b/i.test(grant[1]!)) {
    const reserved = identifiers(grant[1]!).find((name) => cfg.reservedMemberships.has(name));
    return reserved ? notAllowed(`"${reserved}" role memberships are reserved, only superusers can grant them`) : null;
  }
  const dropTrigger = DROP_TRIGGER.exec(sql);
  if (dropTrigger) return { kind: 'elevate-on-granted-table', grant: 'drop trigger', table: dropTrigger[1]! };
  const policy = POLICY.exec(sql);
  if (policy) return { kind: 'elevate-on-granted-table', grant: 'policy', table: policy[1]! };
  const publication = PUBLICATION.exec(sql);
  if (publication) return { kind: 'elevate', handOver: { kind: 'publication', name: identifier(publication[1]!) } };
  const eventTrigger = EVENT_TRIGGER.exec(sql);
  if (eventTrigger) return { kind: 'elevate', handOver: { kind: 'event trigger', name: identifier(eventTrigger[1]!) } };
  const fdw = FDW.exec(sql);
  if (fdw) return { kind: 'elevate', handOver: { kind: 'foreign data wrapper', name: identifier(fdw[1]!) } };
  return null;
}

/** Whether `table` (`schema.table`) is on the list of a grant. */
export function isGrantedTable(grant: 'policy' | 'drop trigger', table: string): boolean {
  const cfg = supautilsConfig();
  return (grant === 'policy' ? cfg.policyTables : cfg.dropTriggerTables).has(table);
}

/**
 * Whether a table named as written could resolve to one on the grant's list, read from the name
 * alone: a qualified name is that schema's table or none, an unqualified one has the listed
 * table's own name. False spares asking the database (resolveTable) for the phase's and most of
 * a repo's policies.
 */
export function mayBeGrantedTable(grant: 'policy' | 'drop trigger', written: string): boolean {
  const parts = identifiers(written);
  if (parts.length === 2) return isGrantedTable(grant, `${parts[0]}.${parts[1]}`);
  const cfg = supautilsConfig();
  return [...(grant === 'policy' ? cfg.policyTables : cfg.dropTriggerTables)].some(
    (table) => table.slice(table.indexOf('.') + 1) === parts[0],
  );
}

/**
 * Whether this session is the emulated one: an embedded engine whose session user is the
 * non-superuser `postgres` under the platform superuser's login, which can therefore act as
 * supautils does. False on a server (`--db-url`): statements run there as the URL's role.
 */
export async function canElevate(engine: SqlEngine): Promise<boolean> {
  if (engine.kind !== 'embedded') return false;
  const [row] = await engine.query<{ ok: boolean }>(
    `select session_user::text = $1 and current_user::text = $1
            and not coalesce((select rolsuper from pg_catalog.pg_roles where rolname = $1), true)
            and coalesce((select rolsuper from pg_catalog.pg_roles where rolname = $2), false) as ok`,
    [USER_ROLE, EMBEDDED_LOGIN_ROLE],
  );
  return Boolean(row?.ok);
}

/**
 * Runs `work` as the platform superuser, then returns to `postgres`. On failure the enclosing
 * transaction (or savepoint) is aborted, and rolling it back restores the session user too.
 */
export async function asPlatformSuperuser<T>(engine: SqlEngine, work: () => Promise<T>): Promise<T> {
  await engine.exec(`set session authorization ${supautilsConfig().superuser}`);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await engine.exec(`set session authorization ${USER_ROLE}`).catch(() => undefined);
    throw error;
  }
  await engine.exec(`set session authorization ${USER_ROLE}`);
  return result;
}

/** Runs one statement elevated, handing what it created over to postgres when supautils does. */
export async function runElevated(engine: SqlEngine, sql: string, handOver?: HandedOver): Promise<void> {
  await asPlatformSuperuser(engine, async () => {
    await engine.exec(sql);
    if (handOver) await handOverToPostgres(engine, handOver);
  });
}

/**
 * supautils gives publications, event triggers and wrappers to the privileged role even where
 * PostgreSQL wants a superuser owner (`for all tables`, event triggers): the catalog is
 * updated, as `alter … owner to` would refuse.
 */
async function handOverToPostgres(engine: SqlEngine, object: HandedOver): Promise<void> {
  const [catalog, ownerColumn, nameColumn] = {
    publication: ['pg_publication', 'pubowner', 'pubname'],
    'event trigger': ['pg_event_trigger', 'evtowner', 'evtname'],
    'foreign data wrapper': ['pg_foreign_data_wrapper', 'fdwowner', 'fdwname'],
  }[object.kind];
  await engine.query(
    `update pg_catalog.${catalog} set ${ownerColumn} = (select oid from pg_catalog.pg_roles where rolname = $1) where ${nameColumn} = $2`,
    [USER_ROLE, object.name],
  );
}

/** `schema.table` of a table named as written (quoted or not, qualified or not), or null. */
export async function resolveTable(engine: SqlEngine, written: string): Promise<string | null> {
  const [row] = await engine.query<{ name: string | null }>(
    `select n.nspname || '.' || c.relname as name from pg_catalog.pg_class c
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.oid = pg_catalog.to_regclass($1)`,
    [written],
  );
  return row?.name ?? null;
}

function identifier(token: string): string {
  if (token.startsWith("'")) return token.slice(1, -1);
  return token.startsWith('"') ? token.slice(1, -1).replaceAll('""', '"') : token.toLowerCase();
}

function identifiers(list: string): string[] {
  return (list.match(new RegExp(IDENT, 'g')) ?? []).map(identifier);
}
