import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { CliError } from '../errors.js';
import type { MigrationFile, MigrationNaming, SupabaseFacts } from './facts.js';
import { isFile, isSymlink, pathKind, readText } from './fs-probe.js';
import { DEFAULT_SCHEMAS_DIR, schemaPathFiles } from './schema-paths.js';
import { seedFiles } from './seed-paths.js';

/** The Supabase CLI's migration file pattern. */
export const MIGRATION_PATTERN = /^([0-9]+)_(.*)\.sql$/;

export async function detectSupabase(root: string): Promise<SupabaseFacts> {
  const supabaseDir = path.join(root, 'supabase');
  const migrationsDir = path.join(supabaseDir, 'migrations');
  const [escapesRoot, configToml, migrationsKind] = await Promise.all([
    symlinkEscapes(root, supabaseDir),
    readText(path.join(supabaseDir, 'config.toml'), { display: 'supabase/config.toml' }),
    pathKind(migrationsDir),
  ]);
  const names = migrationsKind === 'directory' ? await listSqlFiles(migrationsDir) : [];
  const migrations = sortMigrations(
    names.flatMap((name) => {
      const match = MIGRATION_PATTERN.exec(name);
      return match?.[1] ? [{ name, version: match[1] }] : [];
    }),
  );
  const config = configToml === null ? null : readConfigToml(configToml);
  const seedPaths = config?.seedPaths ?? null;
  const seedEnabled = config?.seedEnabled ?? true;
  const seeds = await seedFiles(root, seedPaths, seedEnabled);
  return {
    escapesRoot,
    hasConfigToml: configToml !== null,
    seedPaths,
    seedEnabled,
    missingSeedPaths: seedPaths === null ? [] : seeds.unmatched,
    seedFiles: seeds.files,
    schemas: await detectSchemaFiles(root, config?.schemaPaths ?? null),
    apiSchemas: config?.apiSchemas ?? null,
    postgresMajor: config?.postgresMajor ?? null,
    migrationsDir: migrationsKind === 'directory' ? 'directory' : migrationsKind === 'absent' ? 'absent' : 'file',
    migrations,
    ignoredMigrationFiles: names.filter((name) => !MIGRATION_PATTERN.test(name)).sort(),
    naming: namingOf(migrations),
  };
}

/**
 * `*.sql` files, the extension in any case (symlinks to files included); one readdir, a stat only
 * for symlinks. `00001_init.SQL` is listed so that it is reported as ignored.
 */
async function listSqlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const sql = entries.filter((e) => e.name.toLowerCase().endsWith('.sql') && (e.isFile() || e.isSymbolicLink()));
  const checks = await Promise.all(sql.map(async (e) => e.isFile() || (await isFile(path.join(dir, e.name)))));
  return sql.filter((_, i) => checks[i]).map((e) => e.name);
}

/** The CLI applies migrations ordered by version (compared as strings), then by name. */
export function sortMigrations(files: MigrationFile[]): MigrationFile[] {
  return [...files].sort((a, b) =>
    a.version < b.version ? -1 : a.version > b.version ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

/** Timestamps when every version is 14 digits (YYYYMMDDHHMMSS), else sequential. */
export function namingOf(migrations: readonly MigrationFile[]): MigrationNaming | null {
  if (migrations.length === 0) return null;
  return migrations.every((m) => /^\d{14}$/.test(m.version)) ? 'timestamp' : 'sequential';
}

async function symlinkEscapes(root: string, p: string): Promise<boolean> {
  if (!(await isSymlink(p))) return false;
  const [realRoot, target] = await Promise.all([realpath(root), realpath(p).catch(() => null)]);
  if (target === null) return true;
  const relative = path.relative(realRoot, target);
  return relative.startsWith('..') || path.isAbsolute(relative);
}

/** What the tool reads from supabase/config.toml; each null when the key is not set. */
export interface SupabaseConfig {
  /** `[db.seed] sql_paths`. */
  readonly seedPaths: string[] | null;
  /** `[db.seed] enabled` (default true). */
  readonly seedEnabled: boolean;
  /** `[db.migrations] schema_paths` (declarative schema files). */
  readonly schemaPaths: string[] | null;
  /** `[api] schemas`: the schemas the API exposes. */
  readonly apiSchemas: string[] | null;
  /** `[db] major_version`. */
  readonly postgresMajor: number | null;
}

/**
 * supabase/config.toml, parsed once with a TOML parser. A file that is not TOML, or an
 * `[api] schemas` that is not a list of names, is an error giving the position or the key (never
 * the content: the file may hold secrets).
 */
export function readConfigToml(toml: string): SupabaseConfig {
  const document = parseConfigToml(toml);
  const db = tableAt(document['db']);
  const api = tableAt(document['api']);
  const major = db?.['major_version'];
  return {
    seedPaths: stringList(tableAt(db?.['seed'])?.['sql_paths']),
    seedEnabled: tableAt(db?.['seed'])?.['enabled'] !== false,
    schemaPaths: stringList(tableAt(db?.['migrations'])?.['schema_paths']),
    apiSchemas: api && 'schemas' in api ? schemaNames(api['schemas']) : null,
    postgresMajor: typeof major === 'number' ? major : null,
  };
}

function stringList(value: unknown): string[] | null {
  return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string') : null;
}

function schemaNames(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((name): name is string => typeof name === 'string' && name !== '')) {
    throw new CliError('layout', 'supabase/config.toml: [api] schemas must be a list of schema names');
  }
  return value;
}

/**
 * Declarative schemas: `schema_paths` in config.toml, or a supabase/schemas/ folder holding .sql
 * files. The folder the phase's schema files go to is the first schema path's directory.
 */
async function detectSchemaFiles(root: string, schemaPaths: readonly string[] | null): Promise<SupabaseFacts['schemas']> {
  const applied = await schemaPathFiles(root, schemaPaths);
  if (schemaPaths !== null && schemaPaths.length > 0) {
    const first = path.posix.normalize(path.posix.join('supabase', schemaPaths[0] ?? ''));
    const dir = /[*?[]|\.sql$/i.test(first) ? path.posix.dirname(first.replace(/\/?[^/]*[*?[].*$/, '/x')) : first;
    const files = await listSqlFiles(path.join(root, dir));
    return { dir, configured: true, files: files.sort(), applied: applied.files, unmatched: applied.unmatched };
  }
  const files = await listSqlFiles(path.join(root, DEFAULT_SCHEMAS_DIR));
  return files.length > 0 || applied.files.length > 0
    ? { dir: DEFAULT_SCHEMAS_DIR, configured: false, files: files.sort(), applied: applied.files, unmatched: [] }
    : null;
}

function parseConfigToml(toml: string): Record<string, unknown> {
  let document: Record<string, unknown>;
  try {
    document = parseToml(toml);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = /^Invalid TOML document: ([^\n]*)/.exec(error.message)?.[1] ?? 'invalid';
    throw new CliError(
      'layout',
      `supabase/config.toml is not valid TOML (line ${error.line}, column ${error.column}: ${reason}): fix it and run again`,
    );
  }
  return document;
}

const tableAt = (value: unknown): Record<string, unknown> | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
