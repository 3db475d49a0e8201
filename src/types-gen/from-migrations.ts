import { applyMigrations } from '../db/apply-migrations.js';
import { openPreparedEngine } from '../db/engine-cache.js';
import type { SqlEngine } from '../db/engine.js';
import { introspectSchema } from './introspect.js';
import type { SchemaModel } from './model.js';
import type { MigrationSource } from './read-migrations.js';
import { renderDatabaseTypes, type RenderTypesOptions } from './render.js';

/**
 * The schema after the migrations ran, in a fresh embedded database over the Supabase stand-in
 * (roles, `auth`, `extensions`), the way `supabase db reset` would leave it. A failing migration
 * rejects with the project's `MigrationError` (file, line, server message).
 */
export async function introspectMigrations(
  migrations: readonly MigrationSource[],
  schema = 'public',
): Promise<SchemaModel> {
  // Grants do not show in the types; the current (no auto-grant) defaults are the strictest.
  const { engine } = await openPreparedEngine('current');
  try {
    await applyLoginSettings(engine);
    await applyMigrations(engine, migrations);
    return await introspectSchema(engine, schema);
  } finally {
    await engine.close();
  }
}

/**
 * The embedded engine does not apply `alter role … set` settings when a saved database boots, as
 * a login to PostgreSQL would. Migrations rely on one of them: the postgres role's search_path
 * (`"$user", public, extensions`), which lets them call `uuid_generate_v4()` unqualified, as on
 * Supabase. Applied in PostgreSQL's order: database, role, then role in database.
 */
async function applyLoginSettings(engine: SqlEngine): Promise<void> {
  await engine.query(`
    select pg_catalog.set_config(split_part(setting, '=', 1), substr(setting, strpos(setting, '=') + 1), false)
    from pg_catalog.pg_db_role_setting s
    cross join lateral unnest(s.setconfig) as setting
    where s.setrole in (0, (select oid from pg_catalog.pg_roles where rolname = current_user))
      and s.setdatabase in (0, (select oid from pg_catalog.pg_database where datname = current_database()))
    order by s.setrole <> 0 and s.setdatabase <> 0, s.setrole <> 0`);
}

/** `database.types.ts` for a list of migrations (name and SQL), applied in the order given. */
export async function typesForMigrations(
  migrations: readonly MigrationSource[],
  options: RenderTypesOptions,
): Promise<string> {
  return renderDatabaseTypes(await introspectMigrations(migrations), options);
}
