-- Policies that call auth.uid()/jwt()/role()/email() or current_setting() other than as
-- `(select <call>)`, so the call is evaluated for every row. Expressions are deparsed under an
-- empty search_path, so the auth functions come out qualified; the match is textual, as
-- Supabase's is. realtime is linted here (its messages table carries policies).
with policy as (
  select n.nspname::text as schema_name, c.relname::text as table_name, p.polname::text as policy_name,
         coalesce(pg_catalog.pg_get_expr(p.polqual, p.polrelid), '') as qual,
         coalesce(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), '') as with_check
    from pg_catalog.pg_policy p
    join pg_catalog.pg_class c on c.oid = p.polrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.relrowsecurity
     and n.nspname <> all(array_remove(:managed_schemas, 'realtime'))
),
call as (
  select unnest(array['auth.uid()', 'auth.jwt()', 'auth.role()', 'auth.email()']) as fn
)
select format('auth_rls_init_plan_%s_%s_%s', schema_name, table_name, policy_name) as cache_key,
       'table' as object_type, schema_name, table_name as object_name,
       format('%I.%I policy "%s"', schema_name, table_name, policy_name) as object,
       format('Table `%s.%s` has a row level security policy `%s` that re-evaluates current_setting() or auth.<function>() for each row. This produces suboptimal query performance at scale. Resolve the issue by replacing `auth.<function>()` with `(select auth.<function>())`. See [docs](https://supabase.com/docs/guides/database/postgres/row-level-security#call-functions-with-select) for more info.',
              schema_name, table_name, policy_name) as detail
  from policy
 where exists (
         select from call, unnest(array[qual, with_check]) as e(expr)
          where (strpos(e.expr, call.fn) > 0 and strpos(lower(e.expr), 'select ' || call.fn) = 0)
             or (e.expr ~ 'current_setting\(.*\)' and lower(e.expr) !~ 'select current_setting\(.*\)'))
