-- SECURITY DEFINER functions authenticated may execute: they run with their owner's rights, bypassing
-- RLS, and PostgREST serves them at /rest/v1/rpc/<name>.
select format('authenticated_security_definer_function_executable_%s_%s_%s', n.nspname, p.proname,
              pg_catalog.pg_get_function_identity_arguments(p.oid)) as cache_key,
       'function' as object_type, n.nspname::text as schema_name, p.proname::text as object_name,
       format('%I.%I(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) as object,
       format('SECURITY DEFINER function `%s.%s(%s)` is executable by the `authenticated` role. It runs with the privileges of its owner and bypasses RLS, so any signed-up user can invoke it via `/rest/v1/rpc/%s`.',
              n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid), p.proname) as detail
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where p.prosecdef
   and pg_catalog.has_function_privilege('authenticated', p.oid, 'execute')
   and n.nspname <> all(:managed_schemas)
