import type { EngineLimits } from '../db/engine-cache.js';
import type { SqlEngine } from '../db/engine.js';
import { phaseOwnTypesModel } from '../phase-04/types-model.js';
import { introspectDatabase } from './introspect.js';
import type { DatabaseModel } from './model.js';
import type { MigrationSource } from './read-migrations.js';
import { renderDatabaseTypes, type RenderTypesOptions } from './render.js';

/**
 * An engine that already ran migrations, in order, on a fresh embedded database as
 * `introspectMigrations` boots (the `current` grant mode), with nothing else changed since (the
 * generator's --append check leaves one: pipeline/phase-names.ts).
 */
export interface AppliedMigrations {
  readonly engine: SqlEngine;
  readonly applied: readonly MigrationSource[];
}

/**
 * The exposed schemas after the migrations ran, in a fresh embedded database over the Supabase
 * stand-in (roles, `auth`, `extensions`), the way `supabase db reset` would leave it. A failing
 * migration rejects with the project's `MigrationError` (file, line, server message), and so does
 * one with a statement past `limits.statementTimeoutMs`.
 */
export async function introspectMigrations(
  migrations: readonly MigrationSource[],
  schemas: readonly string[] = ['public'],
  limits: EngineLimits = {},
): Promise<DatabaseModel> {
  // Loaded on use: a new repo's types need no database (see typesForMigrations).
  const [{ applyMigrations }, { openPreparedEngine }, { keepsDataOnDisk }, { embeddedExtensionsFor, withImageModulesOnMiss }] =
    await Promise.all([
      import('../db/apply-migrations.js'),
      import('../db/engine-cache.js'),
      import('../db/engine-data-dir.js'),
      import('../emulation/extensions.js'),
    ]);
  const dataOnDisk = limits.dataOnDisk ?? keepsDataOnDisk(migrations);
  return withImageModulesOnMiss(embeddedExtensionsFor(migrations.map((m) => m.sql)), async (extensions) => {
    // Grants do not show in the types; the current (no auto-grant) defaults are the strictest.
    const { engine } = await openPreparedEngine('current', { extensions, limits: { ...limits, dataOnDisk, commitsFileByFile: true } });
    try {
      await applyMigrations(engine, migrations);
      return await introspectApplied(engine, schemas);
    } finally {
      await engine.close();
    }
  });
}

async function introspectApplied(engine: SqlEngine, schemas: readonly string[]): Promise<DatabaseModel> {
  // A migration may have changed the session's search_path; names are printed as a fresh
  // connection (the API's type generator) sees them.
  await engine.exec('reset search_path');
  return introspectDatabase(engine, schemas);
}

/** Whether the engine ran exactly these migrations (the same SQL, in the same order). */
function holds(applied: AppliedMigrations, migrations: readonly MigrationSource[]): boolean {
  return applied.applied.length === migrations.length && applied.applied.every((m, i) => m.sql === migrations[i]!.sql);
}

/**
 * `database.types.ts` of `schemas` (default: `public`) for a list of migrations (name and SQL),
 * applied in the order given. When they are exactly the phase's own migrations, and the schemas
 * are ones a new project exposes, the model is known without booting the engine; when
 * `appliedOn` already ran exactly these migrations, it is read there instead of on a new engine.
 */
export async function typesForMigrations(
  migrations: readonly MigrationSource[],
  options: RenderTypesOptions & {
    readonly schemas?: readonly string[];
    readonly appliedOn?: AppliedMigrations | undefined;
    readonly limits?: EngineLimits;
  },
): Promise<string> {
  const schemas = options.schemas ?? ['public'];
  const known = await phaseOwnTypesModel(migrations, schemas);
  const { appliedOn } = options;
  const model =
    known ??
    (appliedOn && holds(appliedOn, migrations)
      ? await introspectApplied(appliedOn.engine, schemas)
      : await introspectMigrations(migrations, schemas, options.limits));
  return renderDatabaseTypes(model, options);
}
