select format('rls_enabled_no_policy_%s_%s', n.nspname, c.relname) as cache_key,
       'table' as object_type, n.nspname::text as schema_name, c.relname::text as object_name,
       format('%I.%I', n.nspname, c.relname) as object,
       format('Table `%s.%s` has RLS enabled, but no policies exist', n.nspname, c.relname) as detail
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind = 'r' and c.relrowsecurity
   and n.nspname <> all(:managed_schemas)
   and not exists (select from pg_catalog.pg_policy p where p.polrelid = c.oid)
   and not exists (select from pg_catalog.pg_depend d where d.objid = c.oid and d.deptype = 'e')
