import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { MigrationFile, MigrationNaming, SupabaseFacts } from './facts.js';
import { isFile, isSymlink, pathKind, readText } from './fs-probe.js';

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
  return {
    escapesRoot,
    hasConfigToml: configToml !== null,
    seedPaths: configToml === null ? null : seedSqlPaths(configToml),
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
  return [...files].sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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

/** `[db.seed] sql_paths = [...]` from config.toml; null when the key is not set. */
export function seedSqlPaths(toml: string): string[] | null {
  const section = /^\[db\.seed\][^\n]*\n([\s\S]*?)(?=^\[|$(?![\s\S]))/m.exec(toml);
  if (!section) return null;
  const value = /^\s*sql_paths\s*=\s*\[([\s\S]*?)\]/m.exec(section[1] ?? '');
  if (!value) return null;
  return [...(value[1] ?? '').matchAll(/["']([^"']+)["']/g)].map((m) => m[1] ?? '');
}
