import { readFile } from 'node:fs/promises';
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
  const { seedFiles, seedEnabled } = ctx.facts.supabase;
  const files = [...seedFiles];
  const seedFile = ctx.layout.seedFile;
  const warnings: Finding[] = [];
  if (!files.includes(seedFile)) {
    if (ctx.facts.supabase.seedPaths !== null || !seedEnabled) {
      warnings.push({
        message: seedEnabled
          ? `[db.seed] sql_paths does not include ./seed.sql: supabase db reset will not load ${seedFile}`
          : `[db.seed] enabled = false: supabase db reset will not load ${seedFile}`,
        location: { file: 'supabase/config.toml' },
      });
    }
    if (await isFile(path.join(ctx.root, seedFile))) files.push(seedFile);
  }
  return { files, warnings };
}
