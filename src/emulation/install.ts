/**
 * The emulation of a Supabase database before user migrations run: its SQL lives in
 * resources/emulation/sql (shipped with the package), one file per concern, installed in file-name
 * order. `NN_*.sql` files make up the database; `grants/<mode>.sql` is a grant mode's default
 * privileges, applied per session; `embedded/bootstrap.sql` runs once on a fresh embedded engine.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SqlEngine } from '../db/engine.js';
import { type SqlError, toSqlError } from '../db/sql-error.js';
import { packageRoot } from '../package-root.js';

/**
 * `legacy`: Supabase's old defaults, every new `public` table, sequence and function granted to
 * the API roles. `current`: the 2026 defaults, data access granted to none of them.
 */
export type GrantMode = 'legacy' | 'current';

export interface EmulationFile {
  /** Relative to the SQL directory, e.g. `20_auth.sql`. */
  readonly name: string;
  readonly sql: string;
}

export const EMULATION_SQL_DIR = path.join(packageRoot, 'resources', 'emulation', 'sql');

const NUMBERED = /^\d+_[A-Za-z0-9_-]+\.sql$/;

let cached: { readonly database: readonly EmulationFile[]; readonly all: readonly EmulationFile[] } | null = null;

function load(): NonNullable<typeof cached> {
  if (cached) return cached;
  const all = (readdirSync(EMULATION_SQL_DIR, { recursive: true }) as string[])
    .map((name) => name.split(path.sep).join('/'))
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, sql: readFileSync(path.join(EMULATION_SQL_DIR, name), 'utf8') }));
  const database = all.filter((f) => NUMBERED.test(f.name));
  return (cached = { database, all });
}

/** The files that make up the database, in installation order. */
export function databaseFiles(): readonly EmulationFile[] {
  return load().database;
}

function file(name: string): string {
  const found = load().all.find((f) => f.name === name);
  if (!found) throw new Error(`the emulation has no ${name} in ${EMULATION_SQL_DIR}`);
  return found.sql;
}

/** The `alter default privileges` of a grant mode, run as postgres. */
export function grantModeSql(mode: GrantMode): string {
  return file(`grants/${mode}.sql`);
}

/** Turns a fresh embedded engine's bootstrap superuser into `supabase_admin` (see the file). */
export function embeddedBootstrapSql(): string {
  return file('embedded/bootstrap.sql');
}

/**
 * The embedded engine's login: its bootstrap superuser, renamed by embedded/bootstrap.sql. User
 * SQL runs under SET SESSION AUTHORIZATION postgres.
 */
export const EMBEDDED_LOGIN_ROLE = 'supabase_admin';
export const USER_ROLE = 'postgres';

/** A digest of every SQL file of the emulation: what a prepared image was built from. */
export function emulationDigest(): string {
  const hash = createHash('sha256');
  for (const f of load().all) hash.update(`${f.name}\0${f.sql}\0`);
  return hash.digest('hex');
}

/** The cluster-level part: the roles, created when missing (what a shared server needs first). */
export function rolesSql(): string {
  return file('00_roles.sql');
}

/**
 * The roles 00_roles.sql creates when missing, in its order: read from its `wanted` list, whose
 * lines start with `['<role>',`.
 */
export function emulationRoleNames(): readonly string[] {
  const roles = file('00_roles.sql');
  return [...roles.matchAll(/^\s*\['([a-z_]+)',/gm)].map((m) => m[1]!);
}

export interface InstallOptions {
  /**
   * Roles that log in on Supabase are created with LOGIN (else NOLOGIN). Only where nothing can
   * connect from outside: the embedded engine.
   */
  readonly loginRoles: boolean;
}

/** A file of the emulation that did not install; the database is not usable. */
export class EmulationInstallError extends Error {
  constructor(
    readonly file: string,
    readonly sqlError: SqlError,
  ) {
    super(`the Supabase emulation's ${file} does not install: ${sqlError.message}`);
    this.name = 'EmulationInstallError';
  }
}

/**
 * Installs every `NN_*.sql` file, in order, on a fresh database (no grant mode). A database that
 * has it already (its auth.users) is left as it is.
 */
export async function installEmulation(engine: SqlEngine, options: InstallOptions): Promise<void> {
  const [present] = await engine.query<{ present: boolean }>(`select to_regclass('auth.users') is not null as present`);
  if (present?.present) return;
  await engine.exec(`set emulation.login_roles = '${options.loginRoles ? 'on' : 'off'}'`);
  try {
    for (const f of databaseFiles()) await installFile(engine, f);
  } finally {
    await engine.exec('reset emulation.login_roles').catch(() => undefined);
  }
}

/**
 * Role settings and grants to roles are shared by every database of a server: two installs into
 * databases of one server at once (two verify runs, parallel tests) can update the same catalog
 * row, and PostgreSQL then fails the later one with "tuple concurrently updated". A file runs as
 * one implicit transaction, so nothing of it stays: it is run again.
 */
const CONCURRENT_UPDATE_ATTEMPTS = 3;

async function installFile(engine: SqlEngine, file: { readonly name: string; readonly sql: string }): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await engine.exec(file.sql);
      return;
    } catch (error) {
      const sqlError = toSqlError(error);
      const concurrent = sqlError.code === 'XX000' && /tuple concurrently updated/.test(sqlError.message);
      if (!concurrent || attempt === CONCURRENT_UPDATE_ATTEMPTS || engine.insideTransaction) {
        throw new EmulationInstallError(file.name, sqlError);
      }
    }
  }
}
