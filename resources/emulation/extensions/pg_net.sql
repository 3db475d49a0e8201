-- Stand-in for pg_net (asynchronous HTTP from SQL): the `net` schema with its queue and response
-- tables, types and functions, as Supabase grants them. Requests are queued and never sent; a
-- worker of the real extension would fill net._http_response.
create schema if not exists net;

do $pg_net$
begin
  if to_regtype('net.request_status') is null then
    create type net.request_status as enum ('PENDING', 'SUCCESS', 'ERROR');
  end if;
  if to_regtype('net.http_response') is null then
    create type net.http_response as (status_code integer, headers jsonb, body text);
  end if;
  if to_regtype('net.http_response_result') is null then
    create type net.http_response_result as (status net.request_status, message text, response net.http_response);
  end if;
end
$pg_net$;

create unlogged table if not exists net.http_request_queue (
  id bigserial not null,
  method text not null check (method in ('GET', 'POST', 'DELETE')),
  url text not null,
  headers jsonb not null,
  body bytea,
  timeout_milliseconds integer not null
);

create unlogged table if not exists net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz not null default now()
);
create index if not exists _http_response_created_idx on net._http_response (created);

create or replace function net._queue_request(method text, url text, params jsonb, headers jsonb, body bytea, timeout_milliseconds integer)
returns bigint
language plpgsql
as $fn$
declare
  query text;
  request_id bigint;
begin
  if url is null or url !~* '^https?://' then
    raise exception 'invalid url: %', coalesce(url, 'null');
  end if;
  select string_agg(format('%s=%s', key, value), '&') into query from jsonb_each_text(coalesce(params, '{}'));
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values (method, url || coalesce(case when position('?' in url) > 0 then '&' else '?' end || query, ''),
          coalesce(headers, '{}'), body, timeout_milliseconds)
  returning id into request_id;
  return request_id;
end
$fn$;

create or replace function net.http_get(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint
language sql volatile parallel unsafe
as $fn$ select net._queue_request('GET', url, params, headers, null, timeout_milliseconds) $fn$;

create or replace function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint
language plpgsql volatile parallel unsafe
as $fn$
begin
  if coalesce(headers ->> 'Content-Type', headers ->> 'content-type', 'application/json') <> 'application/json' then
    raise exception 'Content-Type header must be "application/json"';
  end if;
  return net._queue_request('POST', url, params, headers, convert_to(body::text, 'UTF8'), timeout_milliseconds);
end
$fn$;

create or replace function net.http_delete(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000,
  body jsonb default null
) returns bigint
language sql volatile parallel unsafe
as $fn$ select net._queue_request('DELETE', url, params, headers, convert_to(body::text, 'UTF8'), timeout_milliseconds) $fn$;

create or replace function net._http_collect_response(request_id bigint, async boolean default true)
returns net.http_response_result
language plpgsql
as $fn$
declare
  r net._http_response;
begin
  select * into r from net._http_response where id = request_id;
  if not found then
    return ('PENDING', 'request is pending', null)::net.http_response_result;
  end if;
  if r.error_msg is not null then
    return ('ERROR', r.error_msg, null)::net.http_response_result;
  end if;
  return ('SUCCESS', 'ok', (r.status_code, r.headers, r.content)::net.http_response)::net.http_response_result;
end
$fn$;

create or replace function net.http_collect_response(request_id bigint, async boolean default true)
returns net.http_response_result
language sql
as $fn$ select net._http_collect_response(request_id, async) $fn$;

-- Supabase grants pg_net to the API roles (the schema, its tables and sequences, the request
-- functions) and runs those functions as their owner.
do $pg_net$
declare
  fn regprocedure;
  grantees text := (select string_agg(quote_ident(rolname), ', ') from pg_catalog.pg_roles
                     where rolname in ('supabase_functions_admin', 'postgres', 'anon', 'authenticated', 'service_role'));
begin
  execute format('grant usage on schema net to %s', grantees);
  execute format('grant all on all tables in schema net to %s', grantees);
  execute format('grant all on all sequences in schema net to %s', grantees);
  foreach fn in array array['net.http_get(text, jsonb, jsonb, integer)'::regprocedure,
                            'net.http_post(text, jsonb, jsonb, jsonb, integer)'::regprocedure,
                            'net.http_delete(text, jsonb, jsonb, integer, jsonb)'::regprocedure] loop
    execute format('alter function %s security definer set search_path = net', fn);
    execute format('revoke all on function %s from public', fn);
    execute format('grant execute on function %s to %s', fn, grantees);
  end loop;
end
$pg_net$;

-- @drop
drop schema if exists net cascade;
