-- What the lints read of a Supabase database, and no more: the API roles, auth.users with a
-- unique email and the auth helpers, storage's buckets and objects, the extensions and pgmq
-- schemas, and the schemas PostgREST exposes (pgrst.db_schemas, read by new sessions).
do $setup$
begin
  if not exists (select from pg_catalog.pg_roles where rolname = 'anon') then create role anon nologin; end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'authenticated') then create role authenticated nologin; end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'service_role') then create role service_role nologin bypassrls; end if;
exception when duplicate_object or unique_violation then
  null; -- created meanwhile by another database's setup
end
$setup$;

create schema auth;
create table auth.users (id uuid primary key, email text constraint users_email_key unique, raw_user_meta_data jsonb);
create function auth.uid() returns uuid language sql stable set search_path = ''
  as $$ select nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
create function auth.jwt() returns jsonb language sql stable set search_path = ''
  as $$ select nullif(current_setting('request.jwt.claims', true), '')::jsonb $$;

create schema storage;
create table storage.buckets (id text primary key, name text not null, public boolean not null default false);
create table storage.objects (id uuid primary key, bucket_id text references storage.buckets (id), name text, owner uuid);
alter table storage.objects enable row level security;

create schema extensions;
create schema pgmq;
create schema api;
grant usage on schema public, auth, storage, extensions, api to anon, authenticated, service_role;

do $setup$
begin
  execute format('alter database %I set pgrst.db_schemas = %L', current_database(), 'public, api, pgmq_public');
end
$setup$;
select pg_catalog.set_config('pgrst.db_schemas', 'public, api, pgmq_public', false);
