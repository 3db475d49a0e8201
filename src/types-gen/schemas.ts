import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'smol-toml';
import { createPostgresEngine } from '../db/engine.js';
import { introspectDatabase } from './introspect.js';
import type { DatabaseModel } from './model.js';
import { renderDatabaseTypes, type RenderTypesOptions } from './render.js';

/** Why the exposed schemas could not be read from `supabase/config.toml`. */
export class ApiSchemasError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiSchemasError';
  }
}

/**
 * `[api] schemas` of the repo's `supabase/config.toml`: the schemas the API exposes. Null when
 * the file or the setting is absent; an `ApiSchemasError` when the file is not valid TOML or
 * the setting is not a list of names.
 */
export async function readApiSchemas(repoRoot: string): Promise<string[] | null> {
  const file = path.join(repoRoot, 'supabase', 'config.toml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let config: Record<string, unknown>;
  try {
    config = parse(text);
  } catch (error) {
    throw new ApiSchemasError(`supabase/config.toml is not valid TOML: ${(error as Error).message.split('\n')[0]}`);
  }
  const api = config['api'];
  if (typeof api !== 'object' || api === null || !('schemas' in api)) return null;
  const schemas = (api as { schemas: unknown }).schemas;
  if (!Array.isArray(schemas) || !schemas.every((name): name is string => typeof name === 'string' && name !== '')) {
    throw new ApiSchemasError('supabase/config.toml: [api] schemas must be a list of schema names');
  }
  return schemas;
}

/**
 * The schemas to type, like `supabase gen types`: the ones asked for, else `public` and the
 * schemas `supabase/config.toml` exposes, each once.
 */
export async function typeSchemas(repoRoot: string, requested?: readonly string[]): Promise<string[]> {
  if (requested && requested.length > 0) return [...new Set(requested)];
  return [...new Set(['public', ...((await readApiSchemas(repoRoot)) ?? [])])];
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
