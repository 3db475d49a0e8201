-- Foreign keys whose columns are not the leading columns, in the same order, of a valid index.
select format('unindexed_foreign_keys_%s_%s_%s', n.nspname, c.relname, con.conname) as cache_key,
       'table' as object_type, n.nspname::text as schema_name, c.relname::text as object_name,
       format('%I.%I foreign key %s', n.nspname, c.relname, con.conname) as object,
       format('Table `%s.%s` has a foreign key `%s` without a covering index. This can lead to suboptimal query performance.',
              n.nspname, c.relname, con.conname) as detail
  from pg_catalog.pg_constraint con
  join pg_catalog.pg_class c on c.oid = con.conrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where con.contype = 'f'
   and n.nspname <> all(:managed_schemas)
   and not exists (select from pg_catalog.pg_depend d where d.objid = c.oid and d.deptype = 'e')
   and not exists (
         select from pg_catalog.pg_index i
          where i.indrelid = con.conrelid and i.indisvalid
            and (i.indkey::int2[])[0:cardinality(con.conkey) - 1] = con.conkey)
 order by n.nspname, c.relname, con.conname
