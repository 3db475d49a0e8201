import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { applySqlFile, isMigrationError, type MigrationError, type SqlFile } from '../../db/apply-migrations.js';
import type { SqlEngine } from '../../db/engine.js';
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
    const seeds = await Promise.all(files.map(async (file) => ({ name: file, sql: await readFile(path.join(ctx.root, file), 'utf8') })));
    let applied = await applySeeds(db.engine, seeds);
    if (applied.failure && db.newSession && db.continueIn) {
      // The checks before ran in this session, acting as the API roles: it keeps the custom
      // settings they set (request.jwt.claims reads '' here, NULL where the CLI seeds), so the
      // seed's failure is confirmed in a new session, from the file that failed (the files
      // before it committed), and the checks after go on in that session.
      const fresh = await db.newSession();
      const again = await applySeeds(fresh.engine, seeds.slice(applied.failure.index));
      if (again.failure) await fresh.close();
      else db.continueIn(fresh);
      applied = {
        notes: [...applied.notes, ...again.notes],
        failure: again.failure && { ...again.failure, index: applied.failure.index + again.failure.index },
      };
    }
    if (applied.failure) {
      const { error } = applied.failure;
      return failed(`${error.file} does not apply after the migrations`, [migrationErrorFinding(error)], warnings);
    }
    return passed([...warnings, ...applied.notes]);
  },
};

interface SeedsApplied {
  readonly notes: readonly Finding[];
  /** The first file that did not apply (its index in the files given), after which none ran. */
  readonly failure: { readonly index: number; readonly error: MigrationError } | null;
}

/** The seed files in order, each in a transaction, up to the first that fails. */
async function applySeeds(engine: SqlEngine, seeds: readonly SqlFile[]): Promise<SeedsApplied> {
  const notes: Finding[] = [];
  for (const [index, seed] of seeds.entries()) {
    try {
      const applied = await applySqlFile(engine, seed);
      notes.push(...emulatedExtensionNotes(applied.emulatedExtensions, [seed]));
    } catch (error) {
      if (!isMigrationError(error)) throw error;
      return { notes, failure: { index, error } };
    }
  }
  return { notes, failure: null };
}

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
