-- Stand-in for pg_graphql: the `graphql` schema with the resolver's signature, which the API
-- roles may call. It resolves nothing: every query answers an error.
create schema if not exists graphql;

create or replace function graphql.resolve(
  query text, variables jsonb default '{}', "operationName" text default null, extensions jsonb default null
) returns jsonb
language sql volatile
as $fn$
  select jsonb_build_object('errors', jsonb_build_array(jsonb_build_object(
    'message', 'pg_graphql is emulated here: the query was not resolved')))
$fn$;

create or replace function graphql.comment_directive(comment_ text) returns jsonb
language sql immutable
as $fn$
  select case when comment_ ~ '^@graphql\(' then substring(comment_ from '^@graphql\((.*)\)$')::jsonb end
$fn$;

grant usage on schema graphql to postgres, anon, authenticated, service_role;
grant execute on all functions in schema graphql to postgres, anon, authenticated, service_role;

-- The project's placeholder graphql_public.graphql (resources/emulation/sql/50_graphql_public.sql)
-- becomes a wrapper around the resolver, as Supabase's grant_pg_graphql_access event trigger does.
-- Only its owner's side may replace it: a role that cannot (a `--db-url` run's own role) keeps the
-- placeholder, which answers an error as well.
do $wrapper$
begin
  create or replace function graphql_public.graphql(
    "operationName" text default null, query text default null, variables jsonb default null, extensions jsonb default null
  ) returns jsonb
  language sql
  set search_path = ''
  as $fn$
    select graphql.resolve(query := query, variables := coalesce(variables, '{}'),
                           "operationName" := "operationName", extensions := extensions)
  $fn$;
exception when insufficient_privilege then
  null;
end
$wrapper$;

-- @drop
drop schema if exists graphql cascade;
-- The placeholder comes back, as Supabase's set_graphql_placeholder event trigger puts it back:
-- the same function as resources/emulation/sql/50_graphql_public.sql creates (a test compares them).
do $placeholder$
begin
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
exception when insufficient_privilege then
  null;
end
$placeholder$;
