select format('extension_in_public_%s', e.extname) as cache_key,
       'extension' as object_type, 'public' as schema_name, e.extname::text as object_name,
       format('extension %s', e.extname) as object,
       format('Extension `%s` is installed in the public schema. Move it to another schema.', e.extname) as detail
  from pg_catalog.pg_extension e
  join pg_catalog.pg_namespace n on n.oid = e.extnamespace
 where n.nspname = 'public' and e.extname <> 'plpgsql'
