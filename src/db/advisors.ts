/**
 * Our own database advisors: the lints of Supabase's linter ("splinter", `supabase db advisors`),
 * with its names, levels, categories and remediation links, computed from the catalog of any
 * PostgreSQL so verify can report them without a Supabase project. Each lint's query is a file
 * of its own in ./advisors/ (shipped in dist/db/advisors/ by the build).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.js';
import type { SqlEngine, SqlStep } from './engine.js';

export type AdvisorLevel = 'ERROR' | 'WARN' | 'INFO';
export type AdvisorCategory = 'SECURITY' | 'PERFORMANCE';

export interface AdvisorLint {
  readonly level: AdvisorLevel;
  readonly categories: readonly AdvisorCategory[];
  readonly facing: 'EXTERNAL';
  /** Supabase's remediation: a link to the lint's documentation (two lints give advice instead). */
  readonly remediation: string;
  /** Only meaningful on a database that has served its workload: INFO, and never a failure. */
  readonly needsWorkload?: true;
  /** A table the query reads directly: the lint finds nothing where it does not exist. */
  readonly requiresTable?: string;
}

const doc = (lint: string) => `https://supabase.com/docs/guides/database/database-linter?lint=${lint}`;
const security = (level: AdvisorLevel, remediation: string): AdvisorLint => ({
  level,
  categories: ['SECURITY'],
  facing: 'EXTERNAL',
  remediation,
});
const performance = (level: AdvisorLevel, remediation: string): AdvisorLint => ({
  level,
  categories: ['PERFORMANCE'],
  facing: 'EXTERNAL',
  remediation,
});

/** Supabase's 28 lints, in its order. */
export const ADVISOR_LINTS = {
  unindexed_foreign_keys: performance('INFO', doc('0001_unindexed_foreign_keys')),
  auth_users_exposed: security('ERROR', doc('0002_auth_users_exposed')),
  auth_rls_initplan: performance('WARN', doc('0003_auth_rls_initplan')),
  no_primary_key: performance('INFO', doc('0004_no_primary_key')),
  unused_index: { ...performance('INFO', doc('0005_unused_index')), needsWorkload: true },
  multiple_permissive_policies: performance('WARN', doc('0006_multiple_permissive_policies')),
  policy_exists_rls_disabled: security('ERROR', doc('0007_policy_exists_rls_disabled')),
  rls_enabled_no_policy: security('INFO', doc('0008_rls_enabled_no_policy')),
  duplicate_index: performance('WARN', doc('0009_duplicate_index')),
  security_definer_view: security('ERROR', doc('0010_security_definer_view')),
  function_search_path_mutable: security('WARN', doc('0011_function_search_path_mutable')),
  rls_disabled_in_public: security('ERROR', doc('0013_rls_disabled_in_public')),
  extension_in_public: security('WARN', doc('0014_extension_in_public')),
  rls_references_user_metadata: security('ERROR', doc('0015_rls_references_user_metadata')),
  materialized_view_in_api: security('WARN', doc('0016_materialized_view_in_api')),
  foreign_table_in_api: security('WARN', doc('0017_foreign_table_in_api')),
  unsupported_reg_types: security('WARN', doc('unsupported_reg_types')),
  insecure_queue_exposed_in_api: security('ERROR', doc('0019_insecure_queue_exposed_in_api')),
  table_bloat: {
    ...performance('INFO', 'Consider running vacuum full (WARNING: incurs downtime) and tweaking autovacuum settings to reduce bloat.'),
    needsWorkload: true,
  },
  fkey_to_auth_unique: security('ERROR', 'Drop the foreign key constraint that references the auth schema.'),
  extension_versions_outdated: security('WARN', doc('0022_extension_versions_outdated')),
  sensitive_columns_exposed: security('ERROR', doc('0023_sensitive_columns_exposed')),
  rls_policy_always_true: security('WARN', doc('0024_permissive_rls_policy')),
  public_bucket_allows_listing: { ...security('WARN', doc('0025_public_bucket_allows_listing')), requiresTable: 'storage.buckets' },
  pg_graphql_anon_table_exposed: security('WARN', doc('0026_pg_graphql_anon_table_exposed')),
  pg_graphql_authenticated_table_exposed: security('WARN', doc('0027_pg_graphql_authenticated_table_exposed')),
  anon_security_definer_function_executable: security('WARN', doc('0028_anon_security_definer_function_executable')),
  authenticated_security_definer_function_executable: security('WARN', doc('0029_authenticated_security_definer_function_executable')),
} as const satisfies Record<string, AdvisorLint>;

export type AdvisorCheck = keyof typeof ADVISOR_LINTS;
export const ADVISOR_CHECKS = Object.keys(ADVISOR_LINTS) as AdvisorCheck[];

export interface AdvisorFinding {
  readonly check: AdvisorCheck;
  readonly level: AdvisorLevel;
  readonly categories: readonly AdvisorCategory[];
  readonly remediation: string;
  /** The object concerned, schema-qualified: a table (with its policy, index or foreign key), view, function, extension or bucket. */
  readonly object: string;
  /** What `object` is, and its schema and name, to tell which part of the schema a finding concerns. */
  readonly objectType: string;
  readonly schema: string | null;
  readonly name: string;
  /** Supabase's `cache_key`: names the lint and the object, the same for the same finding. */
  readonly cacheKey: string;
  /** Supabase's detail line. */
  readonly message: string;
}

export interface AdvisorOptions {
  /**
   * Schemas the Data API exposes. Default: the database's `pgrst.db_schemas` setting, else
   * `public`, as Supabase's linter reads them.
   */
  readonly exposedSchemas?: readonly string[];
  /**
   * Leaves out the lints that need a served workload (AdvisorLint.needsWorkload): on a database
   * migrated a moment ago every plain index is unused and nothing is bloated.
   */
  readonly withoutWorkloadLints?: boolean;
}

/**
 * Schemas owned by PostgreSQL, Supabase's services or extensions: Supabase's linter leaves them
 * out, and so do we.
 */
export const MANAGED_SCHEMAS: readonly string[] = [
  '_timescaledb_cache',
  '_timescaledb_catalog',
  '_timescaledb_config',
  '_timescaledb_internal',
  'auth',
  'cron',
  'extensions',
  'graphql',
  'graphql_public',
  'information_schema',
  'net',
  'pgmq',
  'pgroonga',
  'pgsodium',
  'pgsodium_masks',
  'pgtle',
  'pgbouncer',
  'pg_catalog',
  'realtime',
  'repack',
  'storage',
  'supabase_functions',
  'supabase_migrations',
  'tiger',
  'topology',
  'vault',
];

interface LintRow {
  cache_key: string;
  object_type: string;
  schema_name: string | null;
  object_name: string;
  object: string;
  detail: string;
}

/**
 * Every lint's findings, in Supabase's lint order. Needs the API roles (anon, authenticated).
 * Two requests: what the lints depend on (the exposed schemas, the session's search_path, which
 * of the tables some lints read exist), then every lint as a step of one batch.
 */
export async function runAdvisors(engine: SqlEngine, options: AdvisorOptions = {}): Promise<AdvisorFinding[]> {
  const state = await readLintState(engine);
  const exposed = options.exposedSchemas ?? state.exposedSchemas;
  const params = { exposed_schemas: pgArray(exposed), managed_schemas: pgArray(MANAGED_SCHEMAS) };
  const checks = ADVISOR_CHECKS.filter((check) => {
    const lint: AdvisorLint = ADVISOR_LINTS[check];
    if (options.withoutWorkloadLints && lint.needsWorkload) return false;
    return lint.requiresTable === undefined || state.tables.has(lint.requiresTable);
  });
  // Deparsed policy expressions and index definitions come out schema-qualified, as Supabase's
  // linter reads them: the lints run with an empty search_path, and the session's comes back after.
  const restore: SqlStep = { kind: 'query', sql: `select pg_catalog.set_config('search_path', $1, false)`, params: [state.searchPath] };
  const run = await engine.runSteps([
    { kind: 'query', sql: `select pg_catalog.set_config('search_path', '', false)` },
    ...checks.map((check) => queryFileStep(`${check}.sql`, params)),
    restore,
  ]);
  if (run.failure) {
    if (run.failure.step <= checks.length) await engine.runSteps([restore]);
    throw run.failure.error;
  }
  return checks.flatMap((check, i) => {
    const lint: AdvisorLint = ADVISOR_LINTS[check];
    return (run.rows[i + 1] as unknown as LintRow[]).map((r) => ({
      check,
      level: lint.level,
      categories: lint.categories,
      remediation: lint.remediation,
      object: r.object,
      objectType: r.object_type,
      schema: r.schema_name,
      name: r.object_name,
      cacheKey: r.cache_key,
      message: r.detail,
    }));
  });
}

interface LintState {
  readonly exposedSchemas: string[];
  readonly searchPath: string;
  /** The lints' required tables (AdvisorLint.requiresTable) that exist. */
  readonly tables: ReadonlySet<string>;
}

/** The tables some lints read directly (AdvisorLint.requiresTable). */
const REQUIRED_TABLES = [
  ...new Set(Object.values(ADVISOR_LINTS).flatMap((lint: AdvisorLint) => (lint.requiresTable ? [lint.requiresTable] : []))),
];

async function readLintState(engine: SqlEngine): Promise<LintState> {
  const [row] = await engine.query<{ schemas: string | null; search_path: string; tables: string }>(
    `select pg_catalog.current_setting('pgrst.db_schemas', true) as schemas,
            pg_catalog.current_setting('search_path') as search_path,
            coalesce(pg_catalog.json_agg(t.name), '[]')::text as tables
       from pg_catalog.unnest($1::text[]) as t(name)
      where pg_catalog.to_regclass(t.name) is not null`,
    [pgArray(REQUIRED_TABLES)],
  );
  return {
    exposedSchemas: (row?.schemas ?? 'public').split(',').map((s) => s.trim()),
    searchPath: row?.search_path ?? '',
    tables: new Set(JSON.parse(row?.tables ?? '[]') as string[]),
  };
}

/** Whether a lint is reported only as information: INFO, or meaningful only after a workload. */
export const isInformational = (check: AdvisorCheck): boolean => {
  const lint: AdvisorLint = ADVISOR_LINTS[check];
  return lint.level === 'INFO' || lint.needsWorkload === true;
};

export interface TriggerFunction {
  /** `schema.name(identity arguments)`, as the function lints name functions. */
  readonly function_name: string;
  /** `schema.table` the trigger is on. */
  readonly table_name: string;
  readonly source: string;
}

/** The functions that triggers on these tables (`schema.table`, quoted where needed) call. */
export function readTriggerFunctions(engine: SqlEngine, tables: readonly string[]): Promise<TriggerFunction[]> {
  const { sql, params } = queryFileStep('trigger-functions.sql', { tables: pgArray(tables) });
  return engine.query<TriggerFunction>(sql, [...(params ?? [])]);
}

/** The lint queries, one .sql file per lint, shipped in resources/. */
const SQL_DIR = path.join(packageRoot, 'resources', 'db', 'advisors');

const sqlCache = new Map<string, string>();

/**
 * A query file as a step: its parameters, named `:name`, become positional parameters in order of
 * first use (a `::type` cast is not a parameter).
 */
function queryFileStep(file: string, values: Readonly<Record<string, string>>): SqlStep & { readonly kind: 'query' } {
  let text = sqlCache.get(file);
  if (text === undefined) {
    text = readFileSync(path.join(SQL_DIR, file), 'utf8');
    sqlCache.set(file, text);
  }
  const order: string[] = [];
  const sql = text.replace(/(?<!:):([a-z_]+)\b/g, (whole, name: string) => {
    if (!(name in values)) return whole;
    if (!order.includes(name)) order.push(name);
    return `$${order.indexOf(name) + 1}::text[]`;
  });
  return { kind: 'query', sql, params: order.map((name) => values[name]!) };
}

/** A text[] parameter literal; both drivers accept it with a `::text[]` cast. */
function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}
