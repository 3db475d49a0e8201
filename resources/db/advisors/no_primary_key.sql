select format('no_primary_key_%s_%s', n.nspname, c.relname) as cache_key,
       'table' as object_type, n.nspname::text as schema_name, c.relname::text as object_name,
       format('%I.%I', n.nspname, c.relname) as object,
       format('Table `%s.%s` does not have a primary key', n.nspname, c.relname) as detail
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind = 'r'
   and n.nspname <> all(:managed_schemas)
   and not exists (select from pg_catalog.pg_depend d where d.objid = c.oid and d.deptype = 'e')
   and not exists (select from pg_catalog.pg_index i where i.indrelid = c.oid and i.indisprimary)
