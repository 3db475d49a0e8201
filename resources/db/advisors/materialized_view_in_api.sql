select format('materialized_view_in_api_%s_%s', n.nspname, c.relname) as cache_key,
       'materialized view' as object_type, n.nspname::text as schema_name, c.relname::text as object_name,
       format('%I.%I', n.nspname, c.relname) as object,
       format('Materialized view `%s.%s` is selectable by anon or authenticated roles', n.nspname, c.relname) as detail
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind = 'm'
   and (pg_catalog.has_table_privilege('anon', c.oid, 'select')
        or pg_catalog.has_table_privilege('authenticated', c.oid, 'select'))
   and n.nspname = any(:exposed_schemas) and n.nspname <> all(:managed_schemas)
   and not exists (select from pg_catalog.pg_depend d where d.objid = c.oid and d.deptype = 'e')
