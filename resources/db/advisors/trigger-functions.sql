-- The functions that row triggers on the given tables (schema-qualified names, :tables) call,
-- named as the function lints name them: schema.name(identity arguments).
select distinct format('%I.%I(%s)', pn.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) as function_name,
       format('%I.%I', n.nspname, c.relname) as table_name,
       p.prosrc as source
  from pg_catalog.pg_trigger t
  join pg_catalog.pg_class c on c.oid = t.tgrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  join pg_catalog.pg_proc p on p.oid = t.tgfoid
  join pg_catalog.pg_namespace pn on pn.oid = p.pronamespace
 where not t.tgisinternal
   and format('%I.%I', n.nspname, c.relname) = any(:tables)
