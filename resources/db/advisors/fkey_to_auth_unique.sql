-- Foreign keys onto a unique constraint (not the primary key) of an auth table: Supabase Auth
-- may change those columns and constraints in its own migrations.
select format('fkey_to_auth_unique_%s_%s_%s', n.nspname, c.relname, con.conname) as cache_key,
       'table' as object_type, n.nspname::text as schema_name, c.relname::text as object_name,
       format('%I.%I foreign key %s', n.nspname, c.relname, con.conname) as object,
       format('Table `%s`.`%s` has a foreign key `%s` referencing an auth unique constraint', n.nspname, c.relname, con.conname) as detail
  from pg_catalog.pg_constraint con
  join pg_catalog.pg_class c on c.oid = con.conrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  join pg_catalog.pg_class target on target.oid = con.confrelid
  join pg_catalog.pg_namespace target_schema on target_schema.oid = target.relnamespace
  join pg_catalog.pg_index i on i.indexrelid = con.conindid
 where con.contype = 'f'
   and target_schema.nspname = 'auth'
   and i.indisunique and not i.indisprimary
