import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { applySqlFile, isMigrationError } from '../../db/apply-migrations.js';
import { isFile } from '../../detect/fs-probe.js';
import { failed, passed } from '../outcome.js';
import type { DatabaseCheck } from '../phase.js';
import type { Finding, RepoContext } from '../types.js';
import { migrationErrorFinding } from './sql-finding.js';
import { emulatedExtensionNotes } from './emulated-extensions.js';

/**
 * The seed applies after the migrations, as `supabase db reset` runs it: the files of
 * `[db.seed] sql_paths` in supabase/config.toml (default `./seed.sql`), each in a transaction.
 */
export const seedCheck: DatabaseCheck = {
  scope: 'database',
  name: 'seed',
  title: 'the seed applies after the migrations',
  needs: ['migrations'],
  async run(ctx, db) {
    const { files, warnings } = await seedFiles(ctx);
    if (files.length === 0) return failed(`missing ${ctx.layout.seedFile}`, [], warnings);
    const notes: Finding[] = [];
    for (const file of files) {
      const sql = await readFile(path.join(ctx.root, file), 'utf8');
      try {
        const applied = await applySqlFile(db.engine, { name: file, sql });
        notes.push(...emulatedExtensionNotes(applied.emulatedExtensions, [{ name: file, sql }]));
      } catch (error) {
        if (!isMigrationError(error)) throw error;
        return failed(`${file} does not apply after the migrations`, [migrationErrorFinding(error)], warnings);
      }
    }
    return passed([...warnings, ...notes]);
  },
};

/** Seed files relative to the root, in the order the CLI loads them; the phase's seed last when the config omits it. */
async function seedFiles(ctx: RepoContext): Promise<{ files: string[]; warnings: Finding[] }> {
  const configured = ctx.facts.supabase.seedPaths;
  const seedFile = ctx.layout.seedFile;
  if (configured === null) return { files: (await isFile(path.join(ctx.root, seedFile))) ? [seedFile] : [], warnings: [] };
  const files = await expandSeedPaths(ctx.root, configured);
  const warnings: Finding[] = [];
  if (!files.includes(seedFile)) {
    warnings.push({
      message: `[db.seed] sql_paths does not include ./seed.sql: supabase db reset will not load ${seedFile}`,
      location: { file: 'supabase/config.toml' },
    });
    if (await isFile(path.join(ctx.root, seedFile))) files.push(seedFile);
  }
  return { files, warnings };
}

/** `sql_paths` entries are relative to supabase/ and may hold `*` and `**` globs. */
async function expandSeedPaths(root: string, patterns: readonly string[]): Promise<string[]> {
  const supabaseDir = path.join(root, 'supabase');
  const all = (await readdir(supabaseDir, { recursive: true }).catch(() => [])).map((p) => p.split(path.sep).join('/')).sort();
  const files: string[] = [];
  for (const pattern of patterns) {
    const normalized = path.posix.normalize(pattern).replace(/^\.\//, '');
    const matches = /[*?]/.test(normalized) ? all.filter((p) => globToRegExp(normalized).test(p)) : [normalized];
    for (const match of matches) {
      const file = `supabase/${match}`;
      if (!files.includes(file) && (await isFile(path.join(root, file)))) files.push(file);
    }
  }
  return files;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      const dirs = glob[i + 2] === '/';
      source += dirs ? '(?:.*/)?' : '.*';
      i += dirs ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
