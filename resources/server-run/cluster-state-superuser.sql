-- The part of the server's cluster-level state only a superuser may read (see cluster-state.sql):
-- whether a role's password changed (a digest, never the password), and ALTER SYSTEM's settings.
select 'password' as kind, a.rolname::text as a, null::text as b, null::text as c,
       array[a.rolname::text] as roles, null::text as database, jsonb_build_object('digest', md5(a.rolpassword)) as props
  from pg_catalog.pg_authid a
 where a.rolpassword is not null
union all
select 'system setting', f.name, null, null, '{}', null, jsonb_build_object('value', f.setting)
  from pg_catalog.pg_file_settings f
 where f.sourcefile like '%/postgresql.auto.conf'
