import path from 'node:path';
import { applyMigrations, isMigrationError, type SqlFile } from '../../db/apply-migrations.js';
import { failed, passed } from '../outcome.js';
import type { DatabaseCheck } from '../phase.js';
import type { Finding, RepoContext } from '../types.js';
import { migrationErrorFinding } from './sql-finding.js';
import { emulatedExtensionNotes } from './emulated-extensions.js';
import { engineVersionNotes } from '../database/project-version.js';
import { schemaFilesDrift } from './schema-files-drift.js';

/**
 * Every migration in `supabase/migrations` (the repo's own too), selected and ordered as the
 * Supabase CLI does, applies on a fresh database over the Supabase stand-in, each file in one
 * transaction. A failure names the file, the line and the PostgreSQL error. In a repo that keeps
 * its schema declaratively, the schema files make the same catalog as the migrations (see
 * schema-files-drift).
 */
export const migrationsCheck: DatabaseCheck = {
  scope: 'database',
  name: 'migrations',
  title: 'every migration applies on a fresh Supabase-like database',
  needs: [],
  async run(ctx, db) {
    const { supabase } = ctx.facts;
    const dir = ctx.layout.migrationsDir;
    const warnings = ignoredFileWarnings(ctx);
    if (supabase.migrationsDir !== 'directory') return failed(`${dir} is not a directory`, [], warnings);
    if (supabase.migrations.length === 0) return failed(`${dir} holds no <version>_<name>.sql migration`, [], warnings);
    const files: SqlFile[] = await Promise.all(
      supabase.migrations.map(async (m) => ({
        name: `${dir}/${m.name}`,
        sql: await ctx.texts.read(path.join(ctx.root, dir, m.name)),
      })),
    );
    if (db.engine.kind === 'embedded') warnings.push(...engineVersionNotes(supabase.postgresMajor));
    try {
      const applied = await applyMigrations(db.engine, files);
      warnings.push(...emulatedExtensionNotes(applied.emulatedExtensions, files));
    } catch (error) {
      if (!isMigrationError(error)) throw error;
      return failed(`${error.file} does not apply`, [migrationErrorFinding(error)], warnings);
    }
    const drift = await schemaFilesDrift(ctx, db);
    warnings.push(...drift.warnings);
    return drift.summary === null ? passed(warnings) : failed(drift.summary, drift.findings, warnings);
  },
};

function ignoredFileWarnings(ctx: RepoContext): Finding[] {
  return ctx.facts.supabase.ignoredMigrationFiles.map((name) => ({
    message: 'ignored: the Supabase CLI only applies files named <version>_<name>.sql',
    location: { file: `${ctx.layout.migrationsDir}/${name}` },
  }));
}
