-- Views in an exposed schema that anon or authenticated may select and that run with their
-- owner's rights (no security_invoker). A view no API role can select is not reported.
select format('security_definer_view_%s_%s', n.nspname, v.relname) as cache_key,
       'view' as object_type, n.nspname::text as schema_name, v.relname::text as object_name,
       format('%I.%I', n.nspname, v.relname) as object,
       format('View `%s.%s` is defined with the SECURITY DEFINER property', n.nspname, v.relname) as detail
  from pg_catalog.pg_class v
  join pg_catalog.pg_namespace n on n.oid = v.relnamespace
 where v.relkind = 'v'
   and n.nspname = any(:exposed_schemas) and n.nspname <> all(:managed_schemas)
   and (pg_catalog.has_table_privilege('anon', v.oid, 'select')
        or pg_catalog.has_table_privilege('authenticated', v.oid, 'select'))
   and pg_catalog.current_setting('server_version_num')::int >= 150000
   and not exists (select from pg_catalog.pg_depend d where d.objid = v.oid and d.deptype = 'e')
   and not coalesce(lower(v.reloptions::text)::text[], '{}')
           && array['security_invoker=1', 'security_invoker=true', 'security_invoker=yes', 'security_invoker=on']
