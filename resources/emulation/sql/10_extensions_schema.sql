-- The `extensions` schema (owned by postgres) with uuid-ossp and pgcrypto, as the image creates
-- them, and the search_path Supabase gives postgres: unqualified extension functions resolve.
create schema if not exists extensions;
do $owner$
begin
  if exists (select from pg_catalog.pg_roles where rolname = 'postgres') then
    alter schema extensions owner to postgres;
  end if;
exception when insufficient_privilege then
  null; -- a server's role that may not hand the schema over: it stays the installer's
end
$owner$;
grant usage on schema extensions to anon, authenticated, service_role;
grant all on schema extensions to dashboard_user;

do $ext$
declare
  ext text;
begin
  foreach ext in array array['uuid-ossp', 'pgcrypto'] loop
    if exists (select from pg_catalog.pg_available_extensions where name = ext) then
      execute format('create extension if not exists %I with schema extensions', ext);
    end if;
  end loop;
end
$ext$;

-- Scoped to this database so a shared server is left alone.
do $path$
begin
  if exists (select from pg_catalog.pg_roles where rolname = 'postgres') then
    execute format('alter role postgres in database %I set search_path = "$user", public, extensions',
                   current_database());
  end if;
end
$path$;
select pg_catalog.set_config('search_path', '"$user", public, extensions', false);
