/**
 * Statement-level handling of user SQL (migrations, seed) where a statement cannot run as
 * written on this database, or would not behave as on a project:
 * - a `create extension` of an extension Supabase has but this database does not (pg_net,
 *   pg_cron…) runs the extension's stand-in SQL instead; `drop`, `alter` and `comment on
 *   extension` of one created that way act on the stand-in. An extension the server really has,
 *   and can create in this database, is always used for real (pg_cron, say, lives in one
 *   database only, so a temporary one gets the stand-in);
 * - what supautils allows `postgres` on a project (privileged extensions, triggers and policies
 *   on some platform tables, publications for all tables…) runs elevated on the embedded
 *   engine, and what it or the platform refuses (reserved roles, changing the session user) is
 *   refused on every engine (see emulation/supautils.ts). On a `--db-url` temporary database
 *   where the repo's SQL runs as the run's role, policies and trigger drops on those platform
 *   tables go through the database's table-grant function (standin-server-grants.ts).
 */
import type { SqlEngine } from './engine.js';
import { SqlError, toSqlError } from './sql-error.js';
import { StatementRangesBuilder, statementsOf, type ScriptStatement, type StatementRanges } from './split-statements.js';
import { hasTableGrants, runWithTableGrant } from './standin-server-grants.js';
import { unitOfWork } from './transaction.js';
import {
  extensionStatement,
  extensionSupport,
  standInScripts,
  withExtensionSchema,
  type EmulatedExtension,
  type ExtensionStatement,
} from '../emulation/extensions.js';
import {
  asPlatformSuperuser,
  canElevate,
  isGrantedTable,
  mayBeGrantedTable,
  isPrivilegedExtension,
  resolveTable,
  runElevated,
  supautilsRule,
} from '../emulation/supautils.js';

export type { EmulatedExtension } from '../emulation/extensions.js';

/**
 * A run of the file's own SQL (with where its statements are, when they were found already), or
 * what replaces one of its statements.
 */
export type ScriptPiece =
  | { readonly kind: 'sql'; readonly sql: string; readonly offset: number; readonly statements?: StatementRanges }
  | { readonly kind: 'substituted'; readonly offset: number; readonly run: (engine: SqlEngine) => Promise<void> };

export interface SubstitutionPlan {
  /** The file in order: its SQL between substituted statements, and the substitutes. */
  readonly pieces: readonly ScriptPiece[];
  /** The stand-ins the file creates. */
  readonly emulated: readonly EmulatedExtension[];
}

/** Cheap test before splitting a script: the words every handled statement has. */
const MAY_NEED_HANDLING = /\b(?:extension|trigger|policy|publication|authorization|role|user|wrapper|grant)\b/i;

/** Whether a script has a statement planStatements may handle apart: else its plan is null, and asks the engine nothing. */
export const mayNeedHandling = (script: string): boolean => MAY_NEED_HANDLING.test(script);

/**
 * Null when the file has no word a handled statement has: it then runs exactly as written, not
 * split. Otherwise each run of the file's own SQL carries its statements, found here once.
 */
export async function planStatements(engine: SqlEngine, script: string): Promise<SubstitutionPlan | null> {
  if (!mayNeedHandling(script)) return null;
  const pieces: ScriptPiece[] = [];
  const emulated: EmulatedExtension[] = [];
  let elevation: Promise<boolean> | null = null;
  const elevated = (): Promise<boolean> => (elevation ??= canElevate(engine));
  let tableGrants: Promise<boolean> | null = null;
  const granted = (): Promise<boolean> => (tableGrants ??= hasTableGrants(engine));
  const statements = new StatementRangesBuilder();
  let cursor = 0;
  for (const statement of statementsOf(script)) {
    const run = await handle(engine, statement, emulated, { elevated, granted });
    if (!run) {
      statements.add(statement, cursor);
      continue;
    }
    if (statement.offset > cursor) {
      pieces.push({ kind: 'sql', sql: script.slice(cursor, statement.offset), offset: cursor, statements: statements.take() });
    }
    pieces.push({ kind: 'substituted', offset: statement.offset, run });
    cursor = statement.end;
  }
  if (cursor < script.length) {
    pieces.push({ kind: 'sql', sql: cursor === 0 ? script : script.slice(cursor), offset: cursor, statements: statements.take() });
  }
  return { pieces, emulated };
}

/** How this session can do what supautils allows: elevated (embedded), or through table grants (server). */
interface Capabilities {
  readonly elevated: () => Promise<boolean>;
  readonly granted: () => Promise<boolean>;
}

async function handle(
  engine: SqlEngine,
  statement: ScriptStatement,
  emulated: EmulatedExtension[],
  { elevated, granted }: Capabilities,
): Promise<Run | null> {
  const extension = extensionStatement(statement.sql, statement.offset);
  if (extension) {
    const run = await substitute(engine, extension, emulated, elevated);
    if (run) return run;
    const names = extension.action === 'drop' ? extension.names : [extension.name];
    if (names.some(isPrivilegedExtension) && (await elevated())) return (target) => runElevated(target, statement.sql);
    return null;
  }
  const rule = supautilsRule(statement.sql);
  if (!rule) return null;
  if (rule.kind === 'refuse') return () => Promise.reject(rule.error);
  if (rule.kind === 'elevate-on-granted-table' && !mayBeGrantedTable(rule.grant, rule.table)) return null;
  const byGrant = rule.kind === 'elevate-on-granted-table' && !(await elevated()) && (await granted());
  if (!byGrant && !(await elevated())) return null;
  if (rule.kind === 'elevate') return (target) => runElevated(target, statement.sql, rule.handOver);
  // The table as the statement sees it when it runs: the file's statements before it may have
  // changed the search_path.
  return async (target) => {
    const table = await resolveTable(target, rule.table);
    if (!table || !isGrantedTable(rule.grant, table)) return target.exec(statement.sql);
    return byGrant ? runWithTableGrant(target, rule.grant, table, statement.sql) : runElevated(target, statement.sql);
  };
}

type Run = (engine: SqlEngine) => Promise<void>;

async function substitute(
  engine: SqlEngine,
  statement: ExtensionStatement,
  emulated: EmulatedExtension[],
  elevated: () => Promise<boolean>,
): Promise<Run | null> {
  if (statement.action === 'create') {
    const support = extensionSupport(statement.name);
    if (support?.kind === 'stand-in') {
      if (await usableForReal(engine, statement.name)) return null;
      if (!emulated.some((e) => e.name === statement.name)) emulated.push({ name: statement.name, note: support.note });
      for (const required of support.requires ?? []) {
        const requirement = extensionSupport(required);
        if (requirement?.kind === 'stand-in' && !emulated.some((e) => e.name === required)) {
          emulated.push({ name: required, note: requirement.note });
        }
      }
      // Run as supautils runs a privileged extension's script: its objects belong to the superuser.
      if (isPrivilegedExtension(statement.name) && (await elevated())) {
        return (target) => asPlatformSuperuser(target, () => installStandIn(target, statement));
      }
      return (target) => installStandIn(target, statement);
    }
    if (support?.kind === 'unsupported') {
      if (await usableForReal(engine, statement.name)) return null;
      return () =>
        Promise.reject(new SqlError(`extension "${statement.name}" is not available`, '0A000', undefined, undefined, support.reason));
    }
    return null;
  }
  const names = statement.action === 'drop' ? statement.names : [statement.name];
  const standIns: string[] = [];
  for (const name of names) if (await isStandIn(engine, name)) standIns.push(name);
  if (standIns.length === 0) return null;
  if (statement.action === 'other') return async () => {};
  const real = names.filter((name) => !standIns.includes(name));
  const asSuperuser = names.some(isPrivilegedExtension) && (await elevated());
  const drop = async (target: SqlEngine): Promise<void> => {
    if (real.length > 0) {
      const list = real.map(quoteIdent).join(', ');
      await target.exec(
        `drop extension ${statement.ifExists ? 'if exists ' : ''}${list}${/\bcascade\s*$/i.test(statement.sql) ? ' cascade' : ''}`,
      );
    }
    for (const name of standIns) await dropStandIn(target, name, statement.ifExists);
  };
  return asSuperuser ? (target) => asPlatformSuperuser(target, () => drop(target)) : drop;
}

/** Whether an extension with a stand-in is installed as one (a stand-in, not in pg_extension). */
async function isStandIn(engine: SqlEngine, name: string): Promise<boolean> {
  if (extensionSupport(name)?.kind !== 'stand-in') return false;
  const [row] = await engine.query<{ installed: boolean }>(
    'select exists (select from pg_catalog.pg_extension where extname = $1) as installed',
    [name],
  );
  return !row?.installed;
}

const decisions = new WeakMap<SqlEngine, Map<string, boolean>>();

/**
 * Whether the database has the extension itself: created already, or available and creatable
 * here (tried in a unit that is rolled back). Asked once per engine and extension.
 */
async function usableForReal(engine: SqlEngine, name: string): Promise<boolean> {
  let known = decisions.get(engine);
  if (!known) decisions.set(engine, (known = new Map()));
  const cached = known.get(name);
  if (cached !== undefined) return cached;
  const [row] = await engine.query<{ installed: boolean; available: boolean }>(
    `select exists (select from pg_catalog.pg_extension where extname = $1) as installed,
            exists (select from pg_catalog.pg_available_extensions where name = $1) as available`,
    [name],
  );
  let usable = Boolean(row?.installed);
  if (!usable && row?.available) usable = await creatable(engine, name);
  known.set(name, usable);
  return usable;
}

async function creatable(engine: SqlEngine, name: string): Promise<boolean> {
  const unit = unitOfWork(engine);
  await engine.exec(unit.begin);
  try {
    await engine.exec(`create extension if not exists ${quoteIdent(name)} cascade`);
    return true;
  } catch {
    return false;
  } finally {
    await engine.exec(unit.rollback).catch(() => undefined);
  }
}

async function installStandIn(engine: SqlEngine, statement: ExtensionStatement & { action: 'create' }): Promise<void> {
  const support = extensionSupport(statement.name);
  if (support?.kind !== 'stand-in') return;
  const { install } = standInScripts(statement.name);
  const schema = await creationSchema(engine, statement.schema, install);
  for (const required of support.requires ?? []) {
    const requirement = extensionSupport(required);
    if (requirement?.kind === 'stand-in') {
      await installStandIn(engine, { ...statement, name: required });
      continue;
    }
    const [row] = await engine.query<{ installed: boolean }>(
      'select exists (select from pg_catalog.pg_extension where extname = $1) as installed',
      [required],
    );
    if (row?.installed) continue;
    if (!statement.cascade) {
      throw new SqlError(
        `required extension "${required}" is not installed`,
        '42704',
        undefined,
        undefined,
        'Use CREATE EXTENSION ... CASCADE to install required extensions too.',
      );
    }
    await engine.exec(`create extension if not exists ${quoteIdent(required)} with schema ${quoteIdent(schema)}`);
  }
  await engine.exec(withExtensionSchema(install, schema));
}

/**
 * Where `create extension` puts an extension: the schema it names, else the current schema. A
 * named schema must exist, unless it is the extension's own (vault, cron…), which it creates.
 */
async function creationSchema(engine: SqlEngine, named: string | null, install: string): Promise<string> {
  if (named !== null) {
    if (
      new RegExp(String.raw`create\s+schema\s+if\s+not\s+exists\s+${named.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\s*;`, 'i').test(install)
    )
      return named;
    const [row] = await engine.query<{ exists: boolean }>(
      'select exists (select from pg_catalog.pg_namespace where nspname = $1) as exists',
      [named],
    );
    if (!row?.exists) throw new SqlError(`schema "${named}" does not exist`, '3F000', undefined);
    return named;
  }
  const [row] = await engine.query<{ schema: string | null }>('select current_schema() as schema');
  if (!row?.schema) throw new SqlError('no schema has been selected to create in', '3F000', undefined);
  return row.schema;
}

async function dropStandIn(engine: SqlEngine, name: string, ifExists: boolean): Promise<void> {
  const { install, drop } = standInScripts(name);
  const schema = await installedSchema(engine, install);
  if (schema === undefined) {
    if (ifExists) return;
    throw new SqlError(`extension "${name}" does not exist`, '42704', undefined);
  }
  try {
    await engine.exec(withExtensionSchema(drop, schema ?? 'public'));
  } catch (error) {
    throw toSqlError(error);
  }
}

/**
 * The schema a stand-in was installed in (null: it has a fixed schema), or undefined when it is
 * not installed: found from the first function its install script creates.
 */
async function installedSchema(engine: SqlEngine, install: string): Promise<string | null | undefined> {
  const placed = /create\s+or\s+replace\s+function\s+@extschema@\.([a-z_0-9]+)/i.exec(install)?.[1];
  if (placed) {
    const [row] = await engine.query<{ schema: string }>(
      `select n.nspname as schema from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
        where p.proname = $1 order by array_position(current_schemas(false), n.nspname) nulls last limit 1`,
      [placed],
    );
    return row?.schema;
  }
  const fixed = /create\s+schema\s+if\s+not\s+exists\s+([a-z_0-9]+)/i.exec(install)?.[1];
  if (!fixed) return null;
  const [row] = await engine.query<{ exists: boolean }>(
    'select exists (select from pg_catalog.pg_namespace where nspname = $1) as exists',
    [fixed],
  );
  return row?.exists ? null : undefined;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
