-- Indexes never scanned since the statistics were last reset. Meaningful only on a database
-- that has served its workload: a freshly migrated one reports every plain index.
select format('unused_index_%s_%s_%s', s.schemaname, s.relname, s.indexrelname) as cache_key,
       'table' as object_type, s.schemaname::text as schema_name, s.relname::text as object_name,
       format('%I.%I index %s', s.schemaname, s.relname, s.indexrelname) as object,
       format('Index `%s` on table `%s.%s` has not been used', s.indexrelname, s.schemaname, s.relname) as detail
  from pg_catalog.pg_stat_user_indexes s
  join pg_catalog.pg_index i on i.indexrelid = s.indexrelid
 where s.idx_scan = 0
   and not i.indisunique and not i.indisprimary
   and s.schemaname <> all(:managed_schemas)
   and not exists (select from pg_catalog.pg_depend d where d.objid = s.relid and d.deptype = 'e')
