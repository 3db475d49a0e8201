-- Views in an exposed schema that read auth.users and that anon or authenticated may select,
-- when the view bypasses the caller's rights (materialized, or not security_invoker) or
-- auth.users itself has no RLS.
select format('auth_users_exposed_%s_%s', n.nspname, v.relname) as cache_key,
       'view' as object_type, n.nspname::text as schema_name, v.relname::text as object_name,
       format('%I.%I', n.nspname, v.relname) as object,
       format('View/Materialized View "%s" in the public schema may expose `auth.users` data to anon or authenticated roles.',
              v.relname) as detail
  from pg_catalog.pg_class v
  join pg_catalog.pg_namespace n on n.oid = v.relnamespace
 where v.relkind in ('v', 'm')
   and n.nspname = any(:exposed_schemas)
   and (pg_catalog.has_table_privilege('anon', v.oid, 'select')
        or pg_catalog.has_table_privilege('authenticated', v.oid, 'select'))
   and exists (
         select from pg_catalog.pg_rewrite rw
           join pg_catalog.pg_depend d on d.objid = rw.oid and d.deptype = 'n'
           join pg_catalog.pg_class u on u.oid = d.refobjid
           join pg_catalog.pg_namespace un on un.oid = u.relnamespace
          where rw.ev_class = v.oid and un.nspname = 'auth' and u.relname = 'users'
            and (v.relkind = 'm'
                 or not coalesce(lower(v.reloptions::text)::text[], '{}')
                        && array['security_invoker=1', 'security_invoker=true', 'security_invoker=yes', 'security_invoker=on']
                 or not u.relrowsecurity))
 order by n.nspname, v.relname
