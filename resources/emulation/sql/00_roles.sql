-- The roles of a Supabase database (supabase/postgres init scripts and migrations), with their
-- attributes and memberships.
--
-- Roles belong to the server, not to a database: on a `--db-url` server some may exist already
-- and two databases may be prepared at once. So each role is created only when missing (a
-- concurrent creation is tolerated), and a role that existed is left exactly as it was.
-- Memberships are granted to roles created here, and to a `postgres` that is not a superuser.
--
-- LOGIN: Supabase's service roles log in with passwords. A role that logs in without one must
-- never be left on a server, so roles are created NOLOGIN unless the installer sets
-- `emulation.login_roles` to `on` (the embedded engine, which has no network).
do $roles$
declare
  login constant text :=
    case when coalesce(current_setting('emulation.login_roles', true), '') = 'on' then 'login' else 'nologin' end;
  -- name, attributes ('LOGIN' stands for the login attribute above)
  wanted constant text[][] := array[
    ['supabase_admin',             'superuser createdb createrole replication bypassrls LOGIN'],
    ['postgres',                   'nosuperuser createdb createrole replication bypassrls inherit LOGIN'],
    ['anon',                       'nologin inherit nobypassrls'],
    ['authenticated',              'nologin inherit nobypassrls'],
    ['service_role',               'nologin inherit bypassrls'],
    ['authenticator',              'noinherit nobypassrls LOGIN'],
    ['supabase_auth_admin',        'noinherit nobypassrls LOGIN'],
    ['supabase_storage_admin',     'noinherit createrole nobypassrls LOGIN'],
    ['supabase_realtime_admin',    'nologin noinherit'],
    ['supabase_replication_admin', 'replication LOGIN'],
    ['supabase_etl_admin',         'replication LOGIN'],
    ['supabase_read_only_user',    'bypassrls LOGIN'],
    ['dashboard_user',             'nologin createdb createrole replication'],
    ['pgbouncer',                  'LOGIN']
  ];
  created text[] := '{}';
  i int;
begin
  for i in 1 .. array_length(wanted, 1) loop
    if not exists (select from pg_catalog.pg_roles where rolname = wanted[i][1]) then
      begin
        execute format('create role %I %s', wanted[i][1], replace(wanted[i][2], 'LOGIN', login));
        created := created || wanted[i][1];
      exception when duplicate_object or unique_violation then
        null; -- created meanwhile by another session
      end;
    end if;
  end loop;

  -- PostgREST connects as authenticator and switches to the API role of the request's JWT.
  if 'authenticator' = any (created) then
    grant anon, authenticated, service_role to authenticator;
  end if;
  -- Migrations run as postgres, which switches to the API roles (and may grant them on).
  if exists (select from pg_catalog.pg_roles where rolname = 'postgres' and not rolsuper) then
    grant anon, authenticated, service_role to postgres with admin option;
  end if;
  if 'supabase_read_only_user' = any (created) then
    grant pg_read_all_data to supabase_read_only_user;
  end if;
end
$roles$;
