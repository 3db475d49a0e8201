-- Emulated: the `graphql_public` schema of a Supabase project without pg_graphql enabled (new
-- projects since 2026: supabase/postgres migration 20260421000000_pg_graphql-off-by-default),
-- written after supabase/postgres's migrations 20220317095840_pg_graphql (the schema, its grants
-- and default privileges) and 20231017062225 (postgres may pass USAGE on), and the dumps of
-- hosted projects (schema and function owned by supabase_admin).
--
-- The API's GraphQL endpoint calls graphql_public.graphql(…). Without pg_graphql it is a
-- placeholder that answers every request with an error object; it raises nothing. Enabling
-- pg_graphql replaces it with a wrapper around graphql.resolve (Supabase's event trigger
-- grant_pg_graphql_access; here the stand-in resources/emulation/extensions/pg_graphql.sql), and
-- dropping pg_graphql puts the placeholder back (set_graphql_placeholder; the stand-in's drop).
--
-- Run by the installer as the bootstrap superuser, after the roles exist.

create schema if not exists graphql_public authorization supabase_admin;
grant usage on schema graphql_public to anon, authenticated, service_role;
grant usage on schema graphql_public to postgres with grant option;

-- What supabase_admin creates there is for the API: every privilege to postgres and the API roles.
alter default privileges for role supabase_admin in schema graphql_public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema graphql_public
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema graphql_public
  grant all on functions to postgres, anon, authenticated, service_role;

-- Created as supabase_admin, so its owner and privileges are the ones its default privileges give
-- (EXECUTE stays granted to PUBLIC too, as on a project). Supabase's version also answers a
-- server older than PostgreSQL 14 with another message; every engine here is newer.
set role supabase_admin;
create or replace function graphql_public.graphql(
  "operationName" text default null,
  query text default null,
  variables jsonb default null,
  extensions jsonb default null
) returns jsonb
language plpgsql
as $fn$
begin
  return jsonb_build_object(
    'errors', jsonb_build_array(jsonb_build_object('message', 'pg_graphql extension is not enabled.'))
  );
end
$fn$;
reset role;
