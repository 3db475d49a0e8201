import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../package-root.js';
import type { SqlEngine } from '../../db/engine.js';
import { failIfAny, plural } from '../outcome.js';
import type { DatabaseCheck } from '../phase.js';
import type { Finding } from '../types.js';
import { EXPECTED_INDEXES, EXPECTED_TABLES, UPDATED_AT_TABLES } from '../../phase-04/expected-schema.js';
import { AUTH_SERVICE_ROLE } from '../../emulation/auth-service.js';

/**
 * After the migrations: the five tables with the spec's columns and indexes, RLS enabled on
 * every `public` table, the `updated_at` triggers and the sign-up trigger on `auth.users`, whose
 * function (like every trigger function on auth.users that writes to `public`) is security
 * definer with a fixed search_path.
 */
export const schemaCheck: DatabaseCheck = {
  scope: 'database',
  name: 'schema',
  title: 'tables, columns, indexes, RLS and triggers as the spec defines them',
  needs: ['migrations'],
  async run(_ctx, db) {
    const { columns, tables, triggers, indexes } = await readSchema(db.engine);
    const findings = [
      ...columnFindings(columns),
      ...indexFindings(indexes, new Set(columns.map((c) => c.table_name))),
      ...rlsFindings(tables),
      ...triggerFindings(triggers),
    ];
    return failIfAny((n) => `${plural(n, 'schema problem')}`, findings);
  },
};

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
}

interface TableRow {
  table_name: string;
  rls_enabled: boolean;
  /** anon or authenticated holds a privilege on it: the API reaches it. */
  api_reachable: boolean;
}

interface TriggerRow {
  schema_name: string;
  table_name: string;
  trigger_name: string;
  row_level: boolean;
  before: boolean;
  on_insert: boolean;
  on_update: boolean;
  on_delete: boolean;
  enabled: boolean;
  function_name: string;
  function_source: string;
  security_definer: boolean;
  pins_search_path: boolean;
}

interface IndexRow {
  table_name: string;
  /** Key columns in order; '' for an expression. */
  columns: string[];
}

const schemaQuery = (name: string) => readFileSync(path.join(packageRoot, 'resources', 'db', 'schema-check', `${name}.sql`), 'utf8');
const QUERIES = ['columns', 'public-tables', 'triggers', 'indexes'].map(schemaQuery);

/** What the check reads, in one request: the queries run as steps of one batch. */
async function readSchema(
  engine: SqlEngine,
): Promise<{ columns: ColumnRow[]; tables: TableRow[]; triggers: TriggerRow[]; indexes: IndexRow[] }> {
  const run = await engine.runSteps(QUERIES.map((sql) => ({ kind: 'query' as const, sql })));
  if (run.failure) throw run.failure.error;
  const [columns, tables, triggers, indexes] = run.rows as unknown as [ColumnRow[], TableRow[], TriggerRow[], IndexRow[]];
  return { columns, tables, triggers, indexes };
}

function columnFindings(rows: readonly ColumnRow[]): Finding[] {
  const findings: Finding[] = [];
  for (const [table, columns] of Object.entries(EXPECTED_TABLES)) {
    const actual = new Map(rows.filter((r) => r.table_name === table).map((r) => [r.column_name, r.data_type]));
    if (actual.size === 0) {
      findings.push({ message: `table public.${table} does not exist` });
      continue;
    }
    for (const [column, types] of Object.entries(columns)) {
      const type = actual.get(column);
      if (type === undefined) findings.push({ message: `public.${table} has no column ${column}` });
      else if (!types.includes(type)) {
        findings.push({ message: `public.${table}.${column} is ${type}, expected ${types.join(' or ')}` });
      }
    }
  }
  return findings;
}

/** The phase's indexes on the tables that exist (a missing table is its own finding). */
function indexFindings(indexes: readonly IndexRow[], existingTables: ReadonlySet<string>): Finding[] {
  return EXPECTED_INDEXES.filter(({ table, columns }) => {
    if (!existingTables.has(table)) return false;
    return !indexes.some((i) => i.table_name === table && columns.every((column, n) => i.columns[n] === column));
  }).map(({ table, columns, why }) => {
    const list = columns.join(', ');
    return { message: `public.${table} has no index on (${list}): ${why}; create index on public.${table} (${list})` };
  });
}

function rlsFindings(tables: readonly TableRow[]): Finding[] {
  return tables
    .filter((t) => !t.rls_enabled)
    .map((t) => ({
      message: t.api_reachable
        ? `row level security is disabled on public.${t.table_name}: every API role can read and write all of its rows`
        : `row level security is disabled on public.${t.table_name}: no API role has privileges on it yet, but any grant would expose all of its rows`,
    }));
}

function triggerFindings(triggers: readonly TriggerRow[]): Finding[] {
  const findings: Finding[] = [];
  const active = triggers.filter((t) => t.enabled && t.row_level);
  for (const table of UPDATED_AT_TABLES) {
    const found = active.some(
      (t) => t.schema_name === 'public' && t.table_name === table && t.before && t.on_update && /updated_at/i.test(t.function_source),
    );
    if (!found) findings.push({ message: `public.${table} has no BEFORE UPDATE trigger setting updated_at` });
  }
  const signUps = active.filter((t) => isAuthUsersTrigger(t) && !t.before && t.on_insert && insertsProfile(t.function_source));
  if (signUps.length === 0)
    findings.push({ message: 'auth.users has no AFTER INSERT trigger creating the public.users profile (sign-ups get no profile)' });
  const writers = active.filter((t) => isAuthUsersTrigger(t) && (signUps.includes(t) || WRITES_PUBLIC.test(t.function_source)));
  const seen = new Set<string>();
  for (const trigger of writers) {
    if (seen.has(trigger.function_name)) continue;
    seen.add(trigger.function_name);
    const finding = authTriggerFunctionFinding(trigger, signUps.includes(trigger));
    if (finding) findings.push(finding);
  }
  return findings;
}

const isAuthUsersTrigger = (t: TriggerRow): boolean => t.schema_name === 'auth' && t.table_name === 'users';

// public.users itself: not a table whose name starts with it, like public.users_log.
const insertsProfile = (source: string): boolean => /insert\s+into\s+(?:"?public"?\.)?(?:"users"|users(?![\w$]))/i.test(source);

const WRITES_PUBLIC = /\b(?:insert\s+into|update|delete\s+from)\s+(?:only\s+)?"?public"?\./i;

/**
 * The auth service writes auth.users as its own role, which has no rights on `public`: a trigger
 * function writing there works only as security definer, and a definer function must not
 * resolve names through the search_path of whoever fires it.
 */
function authTriggerFunctionFinding(trigger: TriggerRow, signUp: boolean): Finding | null {
  const what = `${trigger.function_name}(), ${signUp ? 'the sign-up trigger function' : `the function of trigger ${trigger.trigger_name}`} on auth.users`;
  if (!trigger.security_definer) {
    const [action, verb] =
      signUp || trigger.on_insert
        ? ['sign-up', 'inserts into']
        : trigger.on_update
          ? ['change to a user that fires it', 'updates']
          : ['user deletion', 'deletes from'];
    return {
      message: `${what}, is not security definer: every ${action} fails on Supabase, where the auth service ${verb} auth.users as ${AUTH_SERVICE_ROLE}, which has no rights on public; declare it security definer with set search_path = ''`,
    };
  }
  if (!trigger.pins_search_path) {
    return {
      message: `${what}, is security definer without set search_path: it runs with its owner's rights but resolves names through the caller's search_path, which the caller controls; add set search_path = '' and qualify every name`,
    };
  }
  return null;
}
