-- Permissive policies for anon, authenticated or public on a table with RLS whose UPDATE/DELETE
-- condition or whose WITH CHECK is always true (`true`, `1=1`, or missing where nothing else
-- restricts the rows). `for select using (true)` is the usual public read and is not reported.
with policy as (
  select n.nspname::text as schema_name, c.relname::text as table_name, p.polname::text as policy_name,
         case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE'
                       when 'd' then 'DELETE' else 'ALL' end as command,
         (select array_agg(r::regrole::text) from unnest(p.polroles) as r) as roles,
         p.polqual is null as no_using,
         p.polwithcheck is null as no_check,
         regexp_replace(lower(coalesce(pg_catalog.pg_get_expr(p.polqual, p.polrelid), '')), '[ \n\t]', '', 'g')
           in ('true', '(true)', '1=1', '(1=1)') as using_true,
         regexp_replace(lower(coalesce(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), '')), '[ \n\t]', '', 'g')
           in ('true', '(true)', '1=1', '(1=1)') as check_true
    from pg_catalog.pg_policy p
    join pg_catalog.pg_class c on c.oid = p.polrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.relkind = 'r' and c.relrowsecurity and p.polpermissive
     and n.nspname <> all(:managed_schemas)
     and (p.polroles = array[0::oid]
          or exists (select from unnest(p.polroles) as r where r::regrole::text in ('anon', 'authenticated')))
),
verdict as (
  select *,
         command in ('UPDATE', 'DELETE', 'ALL') and (using_true or no_using) as open_using,
         check_true
           or (no_check and command = 'INSERT')
           or (no_check and command in ('UPDATE', 'ALL') and using_true) as open_check
    from policy
)
select format('rls_policy_always_true_%s_%s_%s', schema_name, table_name, policy_name) as cache_key,
       'table' as object_type, schema_name, table_name as object_name,
       format('%I.%I policy "%s"', schema_name, table_name, policy_name) as object,
       format('Table `%s.%s` has an RLS policy `%s` for `%s` that allows unrestricted access%s. This effectively bypasses row-level security for %s.',
              schema_name, table_name, policy_name, command,
              case when open_using and open_check then ' (both USING and WITH CHECK are always true)'
                   when open_using then ' (USING clause is always true)'
                   else ' (WITH CHECK clause is always true)' end,
              array_to_string(roles, ', ')) as detail
  from verdict
 where open_using or open_check
