-- Two or more permissive policies a role meets for the same command on one table. A policy
-- `to public` applies to every role: each role that does not bypass RLS is counted (Supabase
-- leaves out roles named pg_* and supabase*admin).
with policy_role_command as (
  select n.nspname::text as schema_name, c.relname::text as table_name, r.rolname::text as role_name,
         cmd, p.polname::text as policy_name
    from pg_catalog.pg_policy p
    join pg_catalog.pg_class c on c.oid = p.polrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_roles r on r.oid = any(p.polroles) or p.polroles = array[0::oid]
    cross join lateral unnest(case p.polcmd when 'r' then array['SELECT'] when 'a' then array['INSERT']
                                            when 'w' then array['UPDATE'] when 'd' then array['DELETE']
                                            else array['SELECT', 'INSERT', 'UPDATE', 'DELETE'] end) as cmd
   where c.relkind = 'r' and p.polpermissive
     and n.nspname <> all(:managed_schemas)
     and r.rolname not like 'pg_%' and r.rolname not like 'supabase%admin' and not r.rolbypassrls
     and not exists (select from pg_catalog.pg_depend d where d.objid = c.oid and d.deptype = 'e')
)
select format('multiple_permissive_policies_%s_%s_%s_%s', schema_name, table_name, role_name, cmd) as cache_key,
       'table' as object_type, schema_name, table_name as object_name,
       format('%I.%I', schema_name, table_name) as object,
       format('Table `%s.%s` has multiple permissive policies for role `%s` for action `%s`. Policies include `%s`',
              schema_name, table_name, role_name, cmd, array_agg(policy_name order by policy_name)) as detail
  from policy_role_command
 group by schema_name, table_name, role_name, cmd
having count(*) > 1
