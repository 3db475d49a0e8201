-- Routines (functions, procedures, aggregates) with no search_path of their own.
select format('function_search_path_mutable_%s_%s_%s', n.nspname, p.proname, md5(p.prosrc)) as cache_key,
       'function' as object_type, n.nspname::text as schema_name, p.proname::text as object_name,
       format('%I.%I(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) as object,
       format('Function `%s.%s` has a role mutable search_path', n.nspname, p.proname) as detail
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where n.nspname <> all(:managed_schemas)
   and not exists (select from pg_catalog.pg_depend d where d.objid = p.oid and d.deptype = 'e')
   and not exists (select from unnest(coalesce(p.proconfig, '{}')) as setting where setting like 'search_path=%')
