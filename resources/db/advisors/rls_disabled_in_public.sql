-- Tables without RLS in an exposed schema that anon or authenticated may select. Under the
-- 2026 grant defaults a new table is granted to no API role, and is reported only once granted.
select format('rls_disabled_in_public_%s_%s', n.nspname, c.relname) as cache_key,
       'table' as object_type, n.nspname::text as schema_name, c.relname::text as object_name,
       format('%I.%I', n.nspname, c.relname) as object,
       format('Table `%s.%s` is public, but RLS has not been enabled.', n.nspname, c.relname) as detail
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind = 'r' and not c.relrowsecurity
   and (pg_catalog.has_table_privilege('anon', c.oid, 'select')
        or pg_catalog.has_table_privilege('authenticated', c.oid, 'select'))
   and n.nspname = any(:exposed_schemas) and n.nspname <> all(:managed_schemas)
