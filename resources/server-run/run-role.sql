-- Creates the role a `--db-url` run executes the repo's SQL as, when the URL's role could do
-- more than Supabase's postgres (a superuser, say): verify.run_role, logging in with
-- verify.run_password, commented with verify.run_mark so that any later run knows it for one
-- of ours. Supabase's postgres rights, less what would reach beyond the temporary database:
-- no SUPERUSER, CREATEDB (databases outlive the run; CREATE DATABASE cannot run in a
-- migration's transaction anyway), CREATEROLE (on PostgreSQL 15 it may grant itself
-- pg_execute_server_program) or REPLICATION (reads every database's WAL).
--
-- Also verify.grant_role, the role that stands in for supautils' table-ownership bypass (see
-- table-grants.sql): no login, no attributes, commented with the same mark, a member of the run
-- role (what the repo's SQL may name, it may too). Nobody is a member of it: the repo's SQL only
-- reaches it through the function table-grants.sql gives it, where SET ROLE is not allowed.
do $run_role$
declare
  run_role constant text := current_setting('verify.run_role');
  grant_role constant text := current_setting('verify.grant_role');
  wanted text;
begin
  execute format('create role %I login password %L nosuperuser nocreatedb nocreaterole noreplication bypassrls inherit',
                 run_role, current_setting('verify.run_password'));
  execute format('comment on role %I is %L', run_role, current_setting('verify.run_mark'));
  -- Membership a project gives postgres, where the role cannot lead to superuser rights. Not the
  -- services' roles: supabase/postgres revoked supabase_storage_admin, supabase_auth_admin and
  -- supabase_realtime_admin from postgres (20250421084701_revoke_admin_roles_from_postgres);
  -- supautils' policy and drop-trigger grants took over.
  foreach wanted in array array['anon', 'authenticated', 'service_role'] loop
    if exists (select from pg_catalog.pg_roles r
                where r.rolname = wanted
                  and not exists (select from pg_catalog.pg_roles e
                                   where pg_catalog.pg_has_role(r.oid, e.oid, 'MEMBER')
                                     and (e.rolsuper or e.rolcreaterole or e.rolreplication
                                          or e.rolname in ('pg_execute_server_program', 'pg_write_server_files',
                                                           'pg_read_server_files', 'pg_signal_backend')))) then
      execute format('grant %I to %I', wanted, run_role);
    end if;
  end loop;

  execute format('create role %I nologin nosuperuser nocreatedb nocreaterole noreplication nobypassrls inherit', grant_role);
  execute format('comment on role %I is %L', grant_role, current_setting('verify.run_mark'));
  execute format('grant %I to %I', run_role, grant_role);
end
$run_role$;
