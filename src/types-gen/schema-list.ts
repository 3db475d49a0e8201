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
