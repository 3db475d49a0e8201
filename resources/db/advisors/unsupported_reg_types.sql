-- Columns of a reg* type that stores OIDs pg_upgrade cannot carry over (regclass, regrole and
-- regtype are preserved, so allowed). Every schema but the system ones and pgsodium.
select format('unsupported_reg_types_%s_%s_%s', n.nspname, c.relname, a.attname) as cache_key,
       'table' as object_type, n.nspname::text as schema_name, c.relname::text as object_name,
       format('%I.%I column %s', n.nspname, c.relname, a.attname) as object,
       format('Table `%s.%s` has a column `%s` with unsupported reg* type `%s`.', n.nspname, c.relname, a.attname, t.typname) as detail
  from pg_catalog.pg_attribute a
  join pg_catalog.pg_class c on c.oid = a.attrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  join pg_catalog.pg_type t on t.oid = a.atttypid
 where t.typnamespace = 'pg_catalog'::regnamespace
   and t.typname in ('regcollation', 'regconfig', 'regdictionary', 'regnamespace', 'regoper', 'regoperator', 'regproc', 'regprocedure')
   and n.nspname not in ('pg_catalog', 'information_schema', 'pgsodium')
