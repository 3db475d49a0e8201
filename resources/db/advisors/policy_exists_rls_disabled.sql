select format('policy_exists_rls_disabled_%s_%s', n.nspname, c.relname) as cache_key,
       'table' as object_type, n.nspname::text as schema_name, c.relname::text as object_name,
       format('%I.%I', n.nspname, c.relname) as object,
       format('Table `%s.%s` has RLS policies but RLS is not enabled on the table. Policies include %s.',
              n.nspname, c.relname, array_agg(p.polname::text order by p.polname)) as detail
  from pg_catalog.pg_policy p
  join pg_catalog.pg_class c on c.oid = p.polrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind = 'r' and not c.relrowsecurity
   and n.nspname <> all(:managed_schemas)
   and not exists (select from pg_catalog.pg_depend d where d.objid = c.oid and d.deptype = 'e')
 group by n.nspname, c.relname
