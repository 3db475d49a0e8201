-- Stand-in for pg_graphql: the `graphql` and `graphql_public` schemas with the resolver's
-- signature, which the API roles may call. It resolves nothing: every query answers an error.
create schema if not exists graphql;
create schema if not exists graphql_public;

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

create or replace function graphql_public.graphql(
  "operationName" text default null, query text default null, variables jsonb default null, extensions jsonb default null
) returns jsonb
language sql
as $fn$ select graphql.resolve(query, coalesce(variables, '{}'), "operationName", extensions) $fn$;

grant usage on schema graphql, graphql_public to postgres, anon, authenticated, service_role;
grant execute on all functions in schema graphql, graphql_public to postgres, anon, authenticated, service_role;

-- @drop
drop schema if exists graphql_public cascade;
drop schema if exists graphql cascade;
