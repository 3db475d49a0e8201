-- The schema Supabase's default config.toml exposes besides public, with its one function.
create schema graphql_public;
create function graphql_public.graphql(
  "operationName" text default null,
  query text default null,
  variables jsonb default null,
  extensions jsonb default null
) returns jsonb language sql as $$ select '{}'::jsonb $$;

create table public.notes (id bigint generated always as identity primary key, body text not null);
