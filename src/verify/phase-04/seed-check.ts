import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { applySqlFile, isMigrationError, type MigrationError, type SqlFile } from '../../db/apply-migrations.js';
import { stopOf, type SqlEngine } from '../../db/engine.js';
import type { DatabaseSession } from '../database/session.js';
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
    // The checks before ran in the mode's session, acting as the API roles: a session keeps the
    // custom settings it once set (request.jwt.claims reads '' there, NULL where the CLI seeds).
    // On a server the seed goes to a new connection, and the checks after it go on there.
    if (db.engine.kind === 'postgres' && db.newSession && db.continueIn) await db.continueIn(await db.newSession());
    let applied = await applySeeds(db.engine, seeds);
    // On the embedded engine a new session is a copy of the database: made only to confirm a
    // failure, from the file that failed (the files before it committed).
    if (applied.failure && db.engine.kind === 'embedded' && db.newSession && db.continueIn && stopOf(db.engine) === null) {
      const again = await inNewSession(db, seeds.slice(applied.failure.index));
      if (again) applied = { notes: [...applied.notes, ...again.notes], failure: null };
    }
    if (applied.failure) {
      const { error } = applied.failure;
      return failed(`${error.file} does not apply after the migrations`, [migrationErrorFinding(error)], warnings);
    }
    return passed([...warnings, ...applied.notes]);
  },
};

/**
 * `seeds` applied in a new session on a copy of the database; where they all apply, the checks
 * after go on in it. Null otherwise (a copy that did not boot, a file failing there too): the
 * failure in the mode's session stands, as the first and truer one (a sequence the failed
 * attempt used is further on in the copy).
 */
async function inNewSession(db: DatabaseSession, seeds: readonly SqlFile[]): Promise<SeedsApplied | null> {
  const fresh = await db.newSession!().catch(() => null);
  if (!fresh) return null;
  const again = await applySeeds(fresh.engine, seeds).catch(() => null);
  if (!again || again.failure) {
    await fresh.close();
    return null;
  }
  await db.continueIn!(fresh);
  return again;
}

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
