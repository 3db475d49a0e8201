/**
 * What a `--db-url` server can create of the extensions a repo needs: an extension the server
 * has no build of (not in pg_available_extensions) cannot be created there by anyone, whatever
 * the run's roles may do.
 */
import { withAdminClient } from './throwaway-database.js';

/** Of `names`, in their order, those the server at `adminUrl` has no build of. */
export async function extensionsServerLacks(adminUrl: string, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  return withAdminClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ name: string }>(
      `select n.name from unnest($1::text[]) with ordinality as n(name, i)
        where not exists (select from pg_catalog.pg_available_extensions a where a.name = n.name)
        order by n.i`,
      [names],
    );
    return rows.map((r) => r.name);
  });
}
