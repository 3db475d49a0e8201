/**
 * Our own database advisors: the classes of problem Supabase's linter ("splinter",
 * `supabase db advisors`) reports, computed from the catalog of any PostgreSQL, so verify can
 * report them without a Supabase project.
 */
import type { SqlEngine } from './engine.js';

export const ADVISOR_CHECKS = [
  'auth_rls_initplan',
  'multiple_permissive_policies',
  'function_search_path_mutable',
  'anon_security_definer_function_executable',
  'authenticated_security_definer_function_executable',
  'unindexed_foreign_keys',
  'duplicate_index',
  'rls_disabled_in_public',
  'policy_exists_rls_disabled',
  'rls_references_user_metadata',
  'auth_users_exposed',
  'security_definer_view',
] as const;

export type AdvisorCheck = (typeof ADVISOR_CHECKS)[number];

export interface AdvisorFinding {
  readonly check: AdvisorCheck;
  readonly level: 'warn' | 'error';
  /** The table, policy, function, index or view concerned, schema-qualified. */
  readonly object: string;
  readonly message: string;
}

export interface AdvisorOptions {
  /** Schemas the Data API exposes (default `public`): where RLS and grants matter. */
  readonly exposedSchemas?: readonly string[];
}

/** Schemas owned by PostgreSQL or by Supabase services: not the project's to fix. */
const MANAGED_SCHEMAS = [
  'pg_catalog', 'information_schema', 'pg_toast', 'auth', 'extensions', 'storage', 'realtime', '_realtime',
  'graphql', 'graphql_public', 'vault', 'pgsodium', 'pgsodium_masks', 'net', 'supabase_functions',
  'supabase_migrations', 'cron', 'pgbouncer', '_analytics', 'pgtle', 'pgmq', 'tiger', 'topology',
];

interface Context {
  readonly engine: SqlEngine;
  readonly exposed: readonly string[];
  /** Read once, shared by the policy checks. */
  readonly policies: readonly PolicyRow[];
}
type Check = (ctx: Context) => Promise<AdvisorFinding[]>;

export async function runAdvisors(engine: SqlEngine, options: AdvisorOptions = {}): Promise<AdvisorFinding[]> {
  const policies = await withEmptySearchPath(engine, () => readPolicies(engine));
  const ctx: Context = { engine, exposed: options.exposedSchemas ?? ['public'], policies };
  const findings: AdvisorFinding[] = [];
  for (const check of ADVISOR_CHECKS) findings.push(...(await CHECKS[check](ctx)));
  return findings;
}

const CHECKS: Record<AdvisorCheck, Check> = {
  auth_rls_initplan: authRlsInitplan,
  multiple_permissive_policies: multiplePermissivePolicies,
  function_search_path_mutable: functionSearchPathMutable,
  anon_security_definer_function_executable: (ctx) => definerExecutable(ctx, 'anon'),
  authenticated_security_definer_function_executable: (ctx) => definerExecutable(ctx, 'authenticated'),
  unindexed_foreign_keys: unindexedForeignKeys,
  duplicate_index: duplicateIndex,
  rls_disabled_in_public: rlsDisabledInPublic,
  policy_exists_rls_disabled: policyExistsRlsDisabled,
  rls_references_user_metadata: rlsReferencesUserMetadata,
  auth_users_exposed: authUsersExposed,
  security_definer_view: securityDefinerView,
};

interface PolicyRow {
  table_name: string;
  policy: string;
  permissive: boolean;
  roles: string[];
  cmd: string;
  rls_enabled: boolean;
  qual: string | null;
  with_check: string | null;
}

/**
 * Policies on tables of user schemas. Read under an empty search_path, so every function name
 * in the deparsed expressions comes out schema-qualified (`auth.uid()`).
 */
function readPolicies(engine: SqlEngine): Promise<PolicyRow[]> {
  return engine.query<PolicyRow>(
    `select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as table_name,
            p.polname::text as policy, p.polpermissive as permissive,
            case when p.polroles = '{0}'::oid[] then array['public']
                 else array(select r.rolname::text from pg_catalog.pg_roles r where r.oid = any(p.polroles) order by 1) end as roles,
            case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update' when 'd' then 'delete' else 'all' end as cmd,
            c.relrowsecurity as rls_enabled,
            pg_catalog.pg_get_expr(p.polqual, p.polrelid) as qual,
            pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as with_check
       from pg_catalog.pg_policy p
       join pg_catalog.pg_class c on c.oid = p.polrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname <> all($1::text[])
      order by 1, 2`,
    [pgArray(MANAGED_SCHEMAS)],
  );
}

const expressionsOf = (p: PolicyRow): string => [p.qual, p.with_check].filter(Boolean).join(' ');

const AUTH_CALL = /\b(auth\.(uid|jwt|role|email)\(\)|current_setting\()/i;

/**
 * A call wrapped in its own scalar subquery, `( SELECT auth.uid() AS uid)`, is evaluated once
 * per statement; anywhere else (including inside a correlated subquery) it runs per row.
 */
function hasPerRowAuthCall(expression: string): boolean {
  return AUTH_CALL.test(withoutSubqueries(expression));
}

/** Removes every `(SELECT auth.<fn>() …)` / `(SELECT current_setting(…) …)` with its parentheses. */
function withoutSubqueries(expression: string): string {
  let text = expression;
  for (let start = findSubquery(text); start !== -1; start = findSubquery(text)) {
    let depth = 0;
    let end = start;
    for (; end < text.length; end += 1) {
      if (text[end] === '(') depth += 1;
      else if (text[end] === ')' && --depth === 0) break;
    }
    text = text.slice(0, start) + text.slice(end + 1);
  }
  return text;
}

const findSubquery = (text: string): number =>
  text.search(/\(\s*select\s+\(*\s*(auth\.(uid|jwt|role|email)\(\)|current_setting\()/i);

async function authRlsInitplan({ policies }: Context): Promise<AdvisorFinding[]> {
  return policies
    .filter((p) => p.rls_enabled && hasPerRowAuthCall(expressionsOf(p)))
    .map((p) => ({
      check: 'auth_rls_initplan',
      level: 'warn',
      object: `${p.table_name} policy "${p.policy}"`,
      message: `policy "${p.policy}" on ${p.table_name} calls auth.<function>() or current_setting() once per row: wrap it as (select auth.uid())`,
    }));
}

const ALL_COMMANDS = ['select', 'insert', 'update', 'delete'];

async function multiplePermissivePolicies({ engine, exposed, policies }: Context): Promise<AdvisorFinding[]> {
  const bypass = await engine.query<{ rolname: string }>(
    `select rolname::text as rolname from pg_catalog.pg_roles where rolbypassrls or rolsuper`,
  );
  const bypassing = new Set(bypass.map((r) => r.rolname));
  const groups = new Map<string, { table: string; role: string; cmd: string; policies: string[] }>();
  for (const p of policies) {
    if (!p.permissive || !p.rls_enabled || !exposed.includes(schemaOf(p.table_name))) continue;
    const roles = p.roles.flatMap((r) => (r === 'public' ? ['anon', 'authenticated'] : [r])).filter((r) => !bypassing.has(r));
    const cmds = p.cmd === 'all' ? ALL_COMMANDS : [p.cmd];
    for (const role of roles) {
      for (const cmd of cmds) {
        const key = `${p.table_name}\u0000${role}\u0000${cmd}`;
        const group = groups.get(key) ?? { table: p.table_name, role, cmd, policies: [] };
        group.policies.push(p.policy);
        groups.set(key, group);
      }
    }
  }
  return [...groups.values()]
    .filter((g) => g.policies.length > 1)
    .map((g) => ({
      check: 'multiple_permissive_policies',
      level: 'warn',
      object: g.table,
      message: `${g.table} has ${g.policies.length} permissive ${g.cmd} policies for role ${g.role} (${g.policies.map((n) => `"${n}"`).join(', ')}): each is evaluated for every row; merge them into one`,
    }));
}

/** Functions of the project: user schemas, not installed by an extension. */
const PROJECT_FUNCTIONS = `
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where n.nspname <> all($1::text[]) and n.nspname not like 'pg\\_temp\\_%' and n.nspname not like 'pg\\_toast%'
   and p.prokind in ('f', 'p')
   and not exists (select 1 from pg_catalog.pg_depend d
                    where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')`;

const FUNCTION_NAME = `quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'`;

async function functionSearchPathMutable({ engine }: Context): Promise<AdvisorFinding[]> {
  const rows = await engine.query<{ fn: string }>(
    `select ${FUNCTION_NAME} as fn ${PROJECT_FUNCTIONS}
        and not exists (select 1 from unnest(coalesce(p.proconfig, '{}'::text[])) c where c like 'search\\_path=%')
      order by 1`,
    [pgArray(MANAGED_SCHEMAS)],
  );
  return rows.map((r) => ({
    check: 'function_search_path_mutable',
    level: 'warn',
    object: r.fn,
    message: `function ${r.fn} has no fixed search_path: add "set search_path = ''" and qualify every name`,
  }));
}

async function definerExecutable({ engine, exposed }: Context, role: 'anon' | 'authenticated'): Promise<AdvisorFinding[]> {
  const exists = await engine.query(`select 1 from pg_catalog.pg_roles where rolname = $1`, [role]);
  if (exists.length === 0) return [];
  const rows = await engine.query<{ fn: string }>(
    `select ${FUNCTION_NAME} as fn ${PROJECT_FUNCTIONS}
        and p.prosecdef and n.nspname = any($2::text[])
        and pg_catalog.has_function_privilege($3, p.oid, 'execute')
      order by 1`,
    [pgArray(MANAGED_SCHEMAS), pgArray(exposed), role],
  );
  return rows.map((r) => ({
    check: `${role}_security_definer_function_executable`,
    level: 'warn',
    object: r.fn,
    message: `security definer function ${r.fn} can be called by ${role} over the API (/rest/v1/rpc): revoke execute from public, anon, authenticated or move it out of an exposed schema`,
  }));
}

async function unindexedForeignKeys({ engine }: Context): Promise<AdvisorFinding[]> {
  const rows = await engine.query<{ table_name: string; fk: string; columns: string }>(
    `select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as table_name, con.conname::text as fk,
            (select string_agg(a.attname, ', ' order by k.ord) from unnest(con.conkey) with ordinality k(attnum, ord)
               join pg_catalog.pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as columns
       from pg_catalog.pg_constraint con
       join pg_catalog.pg_class c on c.oid = con.conrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where con.contype = 'f' and n.nspname <> all($1::text[])
        and not exists (
          select 1 from pg_catalog.pg_index i
           where i.indrelid = con.conrelid and i.indpred is null
             and (select array_agg(x order by x) from unnest((i.indkey::int2[])[0:cardinality(con.conkey) - 1]) x)
               = (select array_agg(x order by x) from unnest(con.conkey) x))
      order by 1, 2`,
    [pgArray(MANAGED_SCHEMAS)],
  );
  return rows.map((r) => ({
    check: 'unindexed_foreign_keys',
    level: 'warn',
    object: `${r.table_name} foreign key ${r.fk}`,
    message: `foreign key ${r.fk} on ${r.table_name} (${r.columns}) has no covering index: joins and cascading deletes scan the table`,
  }));
}

async function duplicateIndex({ engine }: Context): Promise<AdvisorFinding[]> {
  const rows = await engine.query<{ table_name: string; indexes: string[] }>(
    `select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as table_name,
            array_agg(ic.relname::text order by ic.relname) as indexes
       from pg_catalog.pg_index i
       join pg_catalog.pg_class c on c.oid = i.indrelid
       join pg_catalog.pg_class ic on ic.oid = i.indexrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname <> all($1::text[])
      group by n.nspname, c.relname, i.indrelid, i.indkey::text, i.indclass::text, i.indcollation::text, i.indoption::text,
               ic.relam, pg_catalog.pg_get_expr(i.indexprs, i.indrelid), pg_catalog.pg_get_expr(i.indpred, i.indrelid)
     having count(*) > 1
      order by 1`,
    [pgArray(MANAGED_SCHEMAS)],
  );
  return rows.map((r) => ({
    check: 'duplicate_index',
    level: 'warn',
    object: `${r.table_name} indexes ${r.indexes.join(', ')}`,
    message: `${r.table_name} has identical indexes ${r.indexes.join(', ')}: keep one (a unique constraint already creates its own index)`,
  }));
}

const TABLES_IN = `
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p')`;

async function rlsDisabledInPublic({ engine, exposed }: Context): Promise<AdvisorFinding[]> {
  const rows = await engine.query<{ table_name: string }>(
    `select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as table_name ${TABLES_IN}
        and n.nspname = any($1::text[]) and not c.relrowsecurity
      order by 1`,
    [pgArray(exposed)],
  );
  return rows.map((r) => ({
    check: 'rls_disabled_in_public',
    level: 'error',
    object: r.table_name,
    message: `table ${r.table_name} is in an exposed schema without row level security: enable it ("alter table ${r.table_name} enable row level security")`,
  }));
}

async function policyExistsRlsDisabled({ policies }: Context): Promise<AdvisorFinding[]> {
  const tables = [...new Set(policies.filter((p) => !p.rls_enabled).map((p) => p.table_name))];
  return tables.map((table) => ({
    check: 'policy_exists_rls_disabled',
    level: 'error',
    object: table,
    message: `table ${table} has policies (${policies
      .filter((p) => p.table_name === table)
      .map((p) => `"${p.policy}"`)
      .join(', ')}) but row level security is disabled, so they do nothing`,
  }));
}

async function rlsReferencesUserMetadata({ policies }: Context): Promise<AdvisorFinding[]> {
  return policies
    .filter((p) => /user_metadata|raw_user_meta_data/i.test(expressionsOf(p)))
    .map((p) => ({
      check: 'rls_references_user_metadata',
      level: 'error',
      object: `${p.table_name} policy "${p.policy}"`,
      message: `policy "${p.policy}" on ${p.table_name} reads user_metadata, which users can edit themselves: authorize with app_metadata or a table instead`,
    }));
}

/** Views (and materialized views) in exposed schemas, with their security_invoker option. */
const EXPOSED_VIEWS = `
  from pg_catalog.pg_class v
  join pg_catalog.pg_namespace n on n.oid = v.relnamespace
 where v.relkind in ('v', 'm') and n.nspname = any($1::text[])
   and not exists (select 1 from pg_catalog.pg_depend d
                    where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = v.oid and d.deptype = 'e')`;

const INVOKER = `coalesce((select lower(split_part(o, '=', 2)) in ('true', 'on', '1', 'yes')
                            from unnest(v.reloptions) o where o like 'security\\_invoker=%'), false)`;

async function authUsersExposed({ engine, exposed }: Context): Promise<AdvisorFinding[]> {
  const [authUsers] = await engine.query<{ t: string | null }>(`select pg_catalog.to_regclass('auth.users')::text as t`);
  if (!authUsers?.t) return [];
  const rows = await engine.query<{ view_name: string; roles: string }>(
    `select quote_ident(n.nspname) || '.' || quote_ident(v.relname) as view_name,
            concat_ws(', ',
              case when exists (select 1 from pg_catalog.pg_roles where rolname = 'anon')
                    and pg_catalog.has_table_privilege('anon', v.oid, 'select') then 'anon' end,
              case when exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated')
                    and pg_catalog.has_table_privilege('authenticated', v.oid, 'select') then 'authenticated' end) as roles
       ${EXPOSED_VIEWS}
        and (v.relkind = 'm' or not ${INVOKER})
        and exists (select 1 from pg_catalog.pg_rewrite rw
                      join pg_catalog.pg_depend d on d.classid = 'pg_catalog.pg_rewrite'::regclass and d.objid = rw.oid
                     where rw.ev_class = v.oid and d.refobjid = 'auth.users'::regclass)
      order by 1`,
    [pgArray(exposed)],
  );
  return rows
    .filter((r) => r.roles !== '')
    .map((r) => ({
      check: 'auth_users_exposed',
      level: 'error',
      object: r.view_name,
      message: `view ${r.view_name} reads auth.users with its owner's rights and ${r.roles} can select it: user emails and metadata are exposed over the API`,
    }));
}

async function securityDefinerView({ engine, exposed }: Context): Promise<AdvisorFinding[]> {
  const rows = await engine.query<{ view_name: string }>(
    `select quote_ident(n.nspname) || '.' || quote_ident(v.relname) as view_name ${EXPOSED_VIEWS}
        and v.relkind = 'v' and not ${INVOKER}
      order by 1`,
    [pgArray(exposed)],
  );
  return rows.map((r) => ({
    check: 'security_definer_view',
    level: 'error',
    object: r.view_name,
    message: `view ${r.view_name} runs with its owner's rights, bypassing the caller's RLS: create it "with (security_invoker = on)"`,
  }));
}

async function withEmptySearchPath<T>(engine: SqlEngine, fn: () => Promise<T>): Promise<T> {
  const [saved] = await engine.query<{ path: string }>(`select pg_catalog.current_setting('search_path') as path`);
  await engine.query(`select pg_catalog.set_config('search_path', '', false)`);
  try {
    return await fn();
  } finally {
    await engine.query(`select pg_catalog.set_config('search_path', $1, false)`, [saved?.path ?? '']);
  }
}

const schemaOf = (qualified: string): string => {
  const match = /^("(?:[^"]|"")*"|[^.]*)\./.exec(qualified);
  const raw = match?.[1] ?? '';
  return raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw;
};

/** A text[] parameter literal; both drivers accept it with a `::text[]` cast. */
function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}
