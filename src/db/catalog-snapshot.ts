/**
 * A database's user-made objects as comparable values (resources/db/catalog-snapshot.sql): what
 * two databases built from the same baseline differ in is what the SQL run on them differs in.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.js';
import type { SqlEngine } from './engine.js';

export interface CatalogObject {
  /** `table`, `column`, `policy`, `function`… as a report names it. */
  readonly kind: string;
  /** Identifies the object on any database, e.g. `column public.notes.body`. */
  readonly key: string;
  /** The key of the table a column, constraint, index, policy or trigger belongs to. */
  readonly parent: string | null;
  /** The schema it is in; null for an extension. */
  readonly schema: string | null;
  /** False in a schema the Supabase CLI's schema diff leaves out (auth, storage, extensions…). */
  readonly tracked: boolean;
  /** Its properties (`type`, `default`, `grants to anon`…); an absent one is absent. */
  readonly facts: Readonly<Record<string, string>>;
}

/**
 * The schemas `supabase db diff` does not read (the CLI's internal schemas, as LIKE patterns):
 * PostgreSQL's, those Supabase's services own, and those extensions own.
 */
export const SCHEMA_DIFF_IGNORED_SCHEMAS: readonly string[] = [
  'information\\_schema',
  'pg\\_%',
  '\\_analytics',
  '\\_realtime',
  '\\_supavisor',
  'auth',
  'extensions',
  'pgbouncer',
  'realtime',
  'storage',
  'supabase\\_functions',
  'supabase\\_migrations',
  'cron',
  'dbdev',
  'graphql',
  'graphql\\_public',
  'net',
  'pgmq',
  'pgsodium',
  'pgsodium\\_masks',
  'pgtle',
  'repack',
  'tiger',
  'tiger\\_data',
  'timescaledb\\_%',
  '\\_timescaledb\\_%',
  'topology',
  'vault',
];

const SNAPSHOT_SQL = path.join(packageRoot, 'resources', 'db', 'catalog-snapshot.sql');
let snapshotSql: string | null = null;

interface SnapshotRow {
  kind: string;
  key: string;
  parent: string | null;
  schema: string | null;
  tracked: boolean;
  facts: Record<string, string> | string;
}

/**
 * Reads the snapshot with an empty search_path, so that expressions, types and names deparse
 * schema-qualified whatever search_path the SQL before it left the session with.
 */
export async function readCatalogSnapshot(engine: SqlEngine): Promise<CatalogObject[]> {
  snapshotSql ??= readFileSync(SNAPSHOT_SQL, 'utf8');
  const sql = snapshotSql;
  const [saved] = await engine.query<{ path: string }>(`select pg_catalog.current_setting('search_path') as path`);
  await engine.query(`select pg_catalog.set_config('search_path', '', false)`);
  let rows: SnapshotRow[];
  try {
    rows = await engine.query<SnapshotRow>(sql, [pgTextArray(SCHEMA_DIFF_IGNORED_SCHEMAS)]);
  } finally {
    await engine.query(`select pg_catalog.set_config('search_path', $1, false)`, [saved?.path ?? '']);
  }
  return rows.map((row) => ({
    kind: row.kind,
    key: row.key,
    parent: row.parent,
    schema: row.schema,
    tracked: row.tracked,
    // jsonb arrives parsed from both drivers; a string is tolerated for a driver that does not.
    facts: typeof row.facts === 'string' ? (JSON.parse(row.facts) as Record<string, string>) : row.facts,
  }));
}

/** A text[] parameter literal; both drivers accept it with a `::text[]` cast. */
function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}
