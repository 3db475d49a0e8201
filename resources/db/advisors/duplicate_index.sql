-- Indexes of one table or materialized view whose definitions are the same once their own
-- names are taken out.
with index_definition as (
  select n.nspname::text as schema_name, c.relname::text as table_name, ic.relname::text as index_name,
         replace(pg_catalog.pg_get_indexdef(i.indexrelid), ic.relname, '') as definition
    from pg_catalog.pg_index i
    join pg_catalog.pg_class c on c.oid = i.indrelid
    join pg_catalog.pg_class ic on ic.oid = i.indexrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'm')
     and n.nspname <> all(:managed_schemas)
     and not exists (select from pg_catalog.pg_depend d where d.objid = c.oid and d.deptype = 'e')
)
select format('duplicate_index_%s_%s_%s', schema_name, table_name, array_agg(index_name order by index_name)) as cache_key,
       'table' as object_type, schema_name, table_name as object_name,
       format('%I.%I indexes %s', schema_name, table_name, string_agg(index_name, ', ' order by index_name)) as object,
       format('Table `%s.%s` has identical indexes %s. Drop all except one of them',
              schema_name, table_name, array_agg(index_name order by index_name)) as detail
  from index_definition
 group by schema_name, table_name, definition
having count(*) > 1
