-- Settings Supabase gives its roles, scoped to this database so a shared server is left alone.
-- A server's existing role the installer may not alter keeps its own settings.
do $settings$
declare
  setting constant text[][] := array[
    ['supabase_auth_admin',    'search_path', 'auth'],
    ['supabase_storage_admin', 'search_path', 'storage'],
    ['supabase_admin',         'search_path', '"$user", public, auth, extensions'],
    ['anon',                   'statement_timeout', '3s'],
    ['authenticated',          'statement_timeout', '8s']
  ];
  i int;
begin
  for i in 1 .. array_length(setting, 1) loop
    begin
      execute format('alter role %I in database %I set %s = %s', setting[i][1], current_database(), setting[i][2],
                     case when setting[i][2] = 'search_path' then setting[i][3] else quote_literal(setting[i][3]) end);
    exception when insufficient_privilege then
      null;
    end;
  end loop;
end
$settings$;

-- On a project the database belongs to postgres (so does `public`, through pg_database_owner):
-- postgres creates schemas, and objects in public. A server's database is left to its owner.
do $owner$
begin
  if exists (select from pg_catalog.pg_database d join pg_catalog.pg_roles r on r.oid = d.datdba
              where d.datname = current_database() and r.rolname = 'supabase_admin')
     and exists (select from pg_catalog.pg_roles where rolname = 'postgres' and not rolsuper) then
    execute format('alter database %I owner to postgres', current_database());
  end if;
end
$owner$;
