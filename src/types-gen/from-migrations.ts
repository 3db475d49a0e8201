import { phaseOwnTypesModel } from '../phase-04/types-model.js';
import { introspectDatabase } from './introspect.js';
import type { DatabaseModel } from './model.js';
import type { MigrationSource } from './read-migrations.js';
import { renderDatabaseTypes, type RenderTypesOptions } from './render.js';

/**
 * The exposed schemas after the migrations ran, in a fresh embedded database over the Supabase
 * stand-in (roles, `auth`, `extensions`), the way `supabase db reset` would leave it. A failing
 * migration rejects with the project's `MigrationError` (file, line, server message).
 */
export async function introspectMigrations(
  migrations: readonly MigrationSource[],
  schemas: readonly string[] = ['public'],
): Promise<DatabaseModel> {
  // Loaded on use: a new repo's types need no database (see typesForMigrations).
  const [{ applyMigrations }, { openPreparedEngine }, { embeddedExtensionsFor }] = await Promise.all([
    import('../db/apply-migrations.js'),
    import('../db/engine-cache.js'),
    import('../emulation/extensions.js'),
  ]);
  // Grants do not show in the types; the current (no auto-grant) defaults are the strictest.
  const extensions = embeddedExtensionsFor(migrations.map((m) => m.sql));
  const { engine } = await openPreparedEngine('current', { extensions });
  try {
    await applyMigrations(engine, migrations);
    // A migration may have changed the session's search_path; names are printed as a fresh
    // connection (the API's type generator) sees them.
    await engine.exec('reset search_path');
    return await introspectDatabase(engine, schemas);
  } finally {
    await engine.close();
  }
}

/**
 * `database.types.ts` of `schemas` (default: `public`) for a list of migrations (name and SQL),
 * applied in the order given. When they are exactly the phase's own migrations, and the schemas
 * are ones a new project exposes, the model is known without booting the engine.
 */
export async function typesForMigrations(
  migrations: readonly MigrationSource[],
  options: RenderTypesOptions & { readonly schemas?: readonly string[] },
): Promise<string> {
  const schemas = options.schemas ?? ['public'];
  const known = await phaseOwnTypesModel(migrations, schemas);
  return renderDatabaseTypes(known ?? (await introspectMigrations(migrations, schemas)), options);
}
