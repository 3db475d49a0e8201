import type { SqlEngine } from '../../db/engine.js';
import { failIfAny, plural } from '../outcome.js';
import type { DatabaseCheck } from '../phase.js';
import type { Finding } from '../types.js';
import { EXPECTED_TABLES, UPDATED_AT_TABLES } from '../../phase-04/expected-schema.js';

/**
 * After the migrations: the five tables with the spec's columns, RLS enabled on every `public`
 * table, the `updated_at` triggers and the sign-up trigger on `auth.users`.
 */
export const schemaCheck: DatabaseCheck = {
  scope: 'database',
  name: 'schema',
  title: 'tables, columns, RLS and triggers as the spec defines them',
  needs: ['migrations'],
  async run(_ctx, db) {
    // One session: the queries run one after the other.
    const columns = await readColumns(db.engine);
    const tables = await readPublicTables(db.engine);
    const triggers = await readTriggers(db.engine);
    const findings = [...columnFindings(columns), ...rlsFindings(tables), ...triggerFindings(triggers)];
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
  enabled: boolean;
  function_name: string;
  function_source: string;
}

async function readColumns(engine: SqlEngine): Promise<ColumnRow[]> {
  return engine.query<ColumnRow>(
    `select table_name::text, column_name::text, data_type::text
       from information_schema.columns where table_schema = 'public'`,
  );
}

async function readPublicTables(engine: SqlEngine): Promise<TableRow[]> {
  return engine.query<TableRow>(
    `select c.relname::text as table_name, c.relrowsecurity as rls_enabled,
            exists (select from pg_roles r
                     where r.rolname in ('anon', 'authenticated')
                       and has_table_privilege(r.oid, c.oid, 'select, insert, update, delete')) as api_reachable
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
      order by 1`,
  );
}

// tgtype bits (pg_trigger.h): 1 row, 2 before, 4 insert, 16 update.
async function readTriggers(engine: SqlEngine): Promise<TriggerRow[]> {
  return engine.query<TriggerRow>(
    `select n.nspname::text as schema_name, c.relname::text as table_name, t.tgname::text as trigger_name,
            (t.tgtype & 1) <> 0 as row_level, (t.tgtype & 2) <> 0 as before,
            (t.tgtype & 4) <> 0 as on_insert, (t.tgtype & 16) <> 0 as on_update,
            t.tgenabled <> 'D' as enabled,
            pn.nspname || '.' || p.proname as function_name, p.prosrc as function_source
       from pg_trigger t
       join pg_class c on c.oid = t.tgrelid
       join pg_namespace n on n.oid = c.relnamespace
       join pg_proc p on p.oid = t.tgfoid
       join pg_namespace pn on pn.oid = p.pronamespace
      where not t.tgisinternal and n.nspname in ('public', 'auth')`,
  );
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
  const signUp = active.some(
    (t) =>
      t.schema_name === 'auth' &&
      t.table_name === 'users' &&
      !t.before &&
      t.on_insert &&
      // public.users itself: not a table whose name starts with it, like public.users_log.
      /insert\s+into\s+(?:"?public"?\.)?(?:"users"|users(?![\w$]))/i.test(t.function_source),
  );
  if (!signUp) findings.push({ message: 'auth.users has no AFTER INSERT trigger creating the public.users profile (sign-ups get no profile)' });
  return findings;
}
