import { createPostgresEngine } from '../db/engine.js';
import { introspectDatabase } from './introspect.js';
import type { DatabaseModel } from './model.js';
import { renderDatabaseTypes, type RenderTypesOptions } from './render.js';

export { parseSchemaList, typeSchemas } from './schema-list.js';

/** The schemas of a live database (`--db-url`), read as `supabase gen types --db-url` reads them. */
export async function introspectDatabaseUrl(
  url: string,
  schemas: readonly string[],
  limits: { readonly statementTimeoutMs?: number } = {},
): Promise<DatabaseModel> {
  const engine = await createPostgresEngine(
    url,
    limits.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: limits.statementTimeoutMs },
  );
  try {
    return await introspectDatabase(engine, schemas);
  } finally {
    await engine.close();
  }
}

/** `database.types.ts` for the given schemas of a live database. */
export async function typesForDatabaseUrl(
  url: string,
  options: RenderTypesOptions & { readonly schemas: readonly string[] },
): Promise<string> {
  return renderDatabaseTypes(await introspectDatabaseUrl(url, options.schemas), options);
}
