/**
 * SQL that gives a bare PostgreSQL what a Supabase database has before user migrations run
 * (see supabase-facts.md): the API roles, the `auth` schema with `auth.users` and its helper
 * functions, the `extensions` schema, and Supabase's default privileges on `public`.
 * Kept as TypeScript strings so the build ships them.
 */

/**
 * The roles a Supabase database has. Supabase's `authenticator` may log in (PostgREST connects as
 * it); nothing here does, and a role that logs in without a password must never be left on a
 * server, so the stand-in's may not.
 */
export const STANDIN_ROLES: readonly { readonly name: string; readonly attributes: string }[] = [
  { name: 'anon', attributes: 'nologin inherit nobypassrls' },
  { name: 'authenticated', attributes: 'nologin inherit nobypassrls' },
  { name: 'service_role', attributes: 'nologin inherit bypassrls' },
  { name: 'authenticator', attributes: 'nologin noinherit nobypassrls' },
];

/**
 * Roles are cluster-wide: on a shared server (or a real Supabase) they may already exist, and
 * two databases may be set up at once, so each role is created only when missing and a
 * concurrent creation is tolerated. Memberships are granted only where Supabase has them and
 * they are needed: to an `authenticator` created here, and to a `postgres` that is not a
 * superuser (migrations run as it and `set role` to the API roles). A role that existed is left
 * as it was.
 */
export const ROLES_SQL = /* sql */ `
do $standin$
declare
  wanted constant text[][] := array[
${STANDIN_ROLES.map((r) => `    ['${r.name}', '${r.attributes}']`).join(',\n')}
  ];
  i int;
begin
  for i in 1 .. array_length(wanted, 1) loop
    if not exists (select from pg_catalog.pg_roles where rolname = wanted[i][1]) then
      begin
        execute format('create role %I %s', wanted[i][1], wanted[i][2]);
        if wanted[i][1] = 'authenticator' then
          grant anon, authenticated, service_role to authenticator;
        end if;
      exception when duplicate_object or unique_violation then
        null; -- created meanwhile by another session
      end;
    end if;
  end loop;
  if exists (select from pg_catalog.pg_roles where rolname = 'postgres' and not rolsuper) then
    grant anon, authenticated, service_role to postgres;
  end if;
end
$standin$;
`;

export const EXTENSIONS_SQL = /* sql */ `
create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;

do $standin$
declare
  ext text;
begin
  foreach ext in array array['uuid-ossp', 'pgcrypto'] loop
    if exists (select from pg_catalog.pg_available_extensions where name = ext) then
      execute format('create extension if not exists %I with schema extensions', ext);
    end if;
  end loop;
end
$standin$;

-- Supabase sets this on the postgres role; scoped to this database so a shared server is left alone.
do $standin$
begin
  if exists (select from pg_catalog.pg_roles where rolname = 'postgres') then
    execute format('alter role postgres in database %I set search_path = "$user", public, extensions',
                   current_database());
  end if;
end
$standin$;
select pg_catalog.set_config('search_path', '"$user", public, extensions', false);
`;

export const AUTH_SQL = /* sql */ `
create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change_token_new varchar(255),
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text unique default null,
  phone_confirmed_at timestamptz,
  phone_change text default '',
  phone_change_token varchar(255) default '',
  phone_change_sent_at timestamptz,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  email_change_token_current varchar(255) default '',
  email_change_confirm_status smallint default 0 check (email_change_confirm_status between 0 and 2),
  banned_until timestamptz,
  reauthentication_token varchar(255) default '',
  reauthentication_sent_at timestamptz,
  is_sso_user boolean not null default false,
  deleted_at timestamptz,
  is_anonymous boolean not null default false
);
-- Emails are unique only among non-SSO users; phone and anonymous users have none.
create unique index if not exists users_email_partial_key on auth.users (email) where is_sso_user = false;
create index if not exists users_instance_id_idx on auth.users (instance_id);
create index if not exists users_is_anonymous_idx on auth.users (is_anonymous);

create table if not exists auth.identities (
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamptz,
  created_at timestamptz,
  updated_at timestamptz,
  email text generated always as (lower(identity_data ->> 'email')) stored,
  id uuid primary key default gen_random_uuid(),
  constraint identities_provider_id_provider_unique unique (provider_id, provider)
);
create index if not exists identities_user_id_idx on auth.identities (user_id);

-- The helpers read the JWT claims PostgREST puts in transaction-local settings. An unset or
-- empty setting means "no claim": nullif comes before every cast ('' is not valid jsonb).
create or replace function auth.uid() returns uuid
language sql stable
as $fn$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$fn$;

create or replace function auth.role() returns text
language sql stable
as $fn$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$fn$;

create or replace function auth.email() returns text
language sql stable
as $fn$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$fn$;

create or replace function auth.jwt() returns jsonb
language sql stable
as $fn$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$fn$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt() to anon, authenticated, service_role;
`;

/** Schema-level access every Supabase project has, whatever the grant defaults. */
export const PUBLIC_SCHEMA_SQL = /* sql */ `
grant usage on schema public to anon, authenticated, service_role;
`;

/** Supabase's defaults before the 2026 change: every new public object granted to the API roles. */
export const LEGACY_GRANTS_SQL = /* sql */ `
alter default privileges for role postgres in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to anon, authenticated, service_role;
`;

/** The 2026 defaults (the CLI's revoke): new public objects are granted to no API role. */
export const CURRENT_GRANTS_SQL = /* sql */ `
alter default privileges for role postgres in schema public revoke select, insert, update, delete on tables from anon, authenticated, service_role;
alter default privileges for role postgres in schema public revoke usage, select on sequences from anon, authenticated, service_role;
alter default privileges for role postgres in schema public revoke execute on functions from anon, authenticated, service_role;
`;
