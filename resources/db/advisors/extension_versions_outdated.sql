select format('extension_versions_outdated_%s_%s', e.name, e.installed_version) as cache_key,
       'extension' as object_type, null::text as schema_name, e.name::text as object_name,
       format('extension %s', e.name) as object,
       format('Extension `%s` is using version `%s` but version `%s` is available. Using outdated extension versions may expose the database to security vulnerabilities.',
              e.name, e.installed_version, e.default_version) as detail
  from pg_catalog.pg_available_extensions e
 where e.installed_version is not null and e.default_version is not null
   and e.installed_version <> e.default_version
   -- a version no longer shipped (left by pg_upgrade) cannot be compared
   and exists (select from pg_catalog.pg_available_extension_versions v where v.name = e.name and v.installed)
 order by e.name
