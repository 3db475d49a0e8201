-- The platform roles 30_storage.sql and 40_realtime.sql need, created only where missing, for
-- tests run before the roles file (00_roles.sql) exists. NOLOGIN and no superuser: the test
-- server is shared, and these are left on it.
do $roles$
declare
  wanted text;
begin
  foreach wanted in array array['supabase_admin', 'supabase_storage_admin', 'supabase_realtime_admin', 'dashboard_user'] loop
    if not exists (select from pg_catalog.pg_roles where rolname = wanted) then
      begin
        execute format('create role %I nologin noinherit', wanted);
      exception when duplicate_object or unique_violation then
        null; -- created meanwhile by another session
      end;
    end if;
  end loop;
end
$roles$;
