import { createPostgresEngine } from '../db/engine.js';
import { introspectDatabase } from './introspect.js';
import type { DatabaseModel } from './model.js';
import { renderDatabaseTypes, type RenderTypesOptions } from './render.js';

/**
 * The schemas to type, like `supabase gen types`: the ones asked for, else `public` and the
 * schemas `supabase/config.toml` exposes (`[api] schemas`, read by detection), each once.
 */
export function typeSchemas(apiSchemas: readonly string[] | null, requested?: readonly string[]): string[] {
  if (requested && requested.length > 0) return [...new Set(requested)];
  return [...new Set(['public', ...(apiSchemas ?? [])])];
}

/** `--schema a,b` (the flag may also repeat): the names, in order, without blanks. */
export function parseSchemaList(values: string | readonly string[]): string[] {
  const list = typeof values === 'string' ? [values] : values;
  return list
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** The schemas of a live database (`--db-url`), read as `supabase gen types --db-url` reads them. */
export async function introspectDatabaseUrl(url: string, schemas: readonly string[]): Promise<DatabaseModel> {
  const engine = await createPostgresEngine(url);
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
