-- Stand-in for the http extension (synchronous HTTP from SQL): its types and function
-- signatures, in the schema `create extension … with schema` names (@extschema@). No request is
-- ever made: calling one raises an error that says so.
do $http$
begin
  if to_regtype('@extschema@.http_method') is null then
    create domain @extschema@.http_method as character varying
      check (value ilike 'get' or value ilike 'post' or value ilike 'put' or value ilike 'delete'
          or value ilike 'patch' or value ilike 'head');
  end if;
  if to_regtype('@extschema@.content_type') is null then
    create domain @extschema@.content_type as character varying check (value ~ '^\S+/\S+');
  end if;
  if to_regtype('@extschema@.http_header') is null then
    create type @extschema@.http_header as (field character varying, value character varying);
  end if;
  if to_regtype('@extschema@.http_request') is null then
    create type @extschema@.http_request as (method @extschema@.http_method, uri character varying,
      headers @extschema@.http_header[], content_type character varying, content character varying);
  end if;
  if to_regtype('@extschema@.http_response') is null then
    create type @extschema@.http_response as (status integer, content_type character varying,
      headers @extschema@.http_header[], content character varying);
  end if;
end
$http$;

create or replace function @extschema@.http(request @extschema@.http_request) returns @extschema@.http_response
language plpgsql volatile
as $fn$
begin
  raise exception 'http: % % was not sent (the http extension is emulated here; use --db-url with a server that has it)',
    upper(request.method), request.uri using errcode = '0A000';
end
$fn$;

create or replace function @extschema@.http_header(field character varying, value character varying)
returns @extschema@.http_header
language sql immutable
as $fn$ select row(field, value)::@extschema@.http_header $fn$;

create or replace function @extschema@.http_get(uri character varying) returns @extschema@.http_response
language sql volatile
as $fn$ select @extschema@.http(('GET', uri, null, null, null)::@extschema@.http_request) $fn$;

create or replace function @extschema@.http_get(uri character varying, data jsonb) returns @extschema@.http_response
language sql volatile
as $fn$ select @extschema@.http(('GET', uri, null, null, null)::@extschema@.http_request) $fn$;

create or replace function @extschema@.http_post(uri character varying, content character varying, content_type character varying)
returns @extschema@.http_response
language sql volatile
as $fn$ select @extschema@.http(('POST', uri, null, content_type, content)::@extschema@.http_request) $fn$;

create or replace function @extschema@.http_post(uri character varying, data jsonb) returns @extschema@.http_response
language sql volatile
as $fn$ select @extschema@.http(('POST', uri, null, 'application/x-www-form-urlencoded', null)::@extschema@.http_request) $fn$;

create or replace function @extschema@.http_put(uri character varying, content character varying, content_type character varying)
returns @extschema@.http_response
language sql volatile
as $fn$ select @extschema@.http(('PUT', uri, null, content_type, content)::@extschema@.http_request) $fn$;

create or replace function @extschema@.http_patch(uri character varying, content character varying, content_type character varying)
returns @extschema@.http_response
language sql volatile
as $fn$ select @extschema@.http(('PATCH', uri, null, content_type, content)::@extschema@.http_request) $fn$;

create or replace function @extschema@.http_delete(uri character varying) returns @extschema@.http_response
language sql volatile
as $fn$ select @extschema@.http(('DELETE', uri, null, null, null)::@extschema@.http_request) $fn$;

create or replace function @extschema@.http_head(uri character varying) returns @extschema@.http_response
language sql volatile
as $fn$ select @extschema@.http(('HEAD', uri, null, null, null)::@extschema@.http_request) $fn$;

create or replace function @extschema@.http_set_curlopt(curlopt character varying, value character varying) returns boolean
language sql volatile
as $fn$ select true $fn$;

create or replace function @extschema@.http_reset_curlopt() returns boolean
language sql volatile
as $fn$ select true $fn$;

create or replace function @extschema@.urlencode(string character varying) returns text
language sql immutable strict
as $fn$
  select string_agg(case when c ~ '[A-Za-z0-9._~-]' then c
                         else upper(regexp_replace(encode(convert_to(c, 'UTF8'), 'hex'), '(..)', '%\1', 'g')) end, '' order by i)
    from regexp_split_to_table(string, '') with ordinality as t(c, i)
$fn$;

create or replace function @extschema@.urlencode(data jsonb) returns text
language sql immutable strict
as $fn$
  select string_agg(@extschema@.urlencode(key) || '=' || @extschema@.urlencode(value), '&')
    from jsonb_each_text(data)
$fn$;

-- @drop
drop function if exists @extschema@.urlencode(jsonb), @extschema@.urlencode(character varying),
  @extschema@.http_reset_curlopt(), @extschema@.http_set_curlopt(character varying, character varying),
  @extschema@.http_head(character varying), @extschema@.http_delete(character varying),
  @extschema@.http_patch(character varying, character varying, character varying),
  @extschema@.http_put(character varying, character varying, character varying),
  @extschema@.http_post(character varying, jsonb), @extschema@.http_post(character varying, character varying, character varying),
  @extschema@.http_get(character varying, jsonb), @extschema@.http_get(character varying),
  @extschema@.http_header(character varying, character varying), @extschema@.http(@extschema@.http_request);
drop type if exists @extschema@.http_response, @extschema@.http_request, @extschema@.http_header;
drop domain if exists @extschema@.content_type, @extschema@.http_method;
