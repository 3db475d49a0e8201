-- Stand-in for pgjwt, which is itself SQL over pgcrypto: sign and verify HS256/HS384/HS512
-- tokens. Created in the schema `create extension … with schema` names (@extschema@); pgcrypto's
-- hmac is looked up in that schema, then in `extensions` and `public`.
create or replace function @extschema@.url_encode(data bytea) returns text
language sql immutable
as $fn$ select translate(encode(data, 'base64'), E'+/=\n', '-_') $fn$;

create or replace function @extschema@.url_decode(data text) returns bytea
language sql immutable
as $fn$
  with t as (select translate(data, '-_', '+/') as trans),
       rem as (select length(t.trans) % 4 as remainder from t)
  select decode(t.trans || case when rem.remainder > 0 then repeat('=', 4 - rem.remainder) else '' end, 'base64')
    from t, rem
$fn$;

create or replace function @extschema@.algorithm_sign(signables text, secret text, algorithm text) returns text
language sql immutable
set search_path = @extschema@, extensions, public, pg_catalog
as $fn$
  with alg as (
    select case when algorithm = 'HS256' then 'sha256'
                when algorithm = 'HS384' then 'sha384'
                when algorithm = 'HS512' then 'sha512'
                else '' end as id
  )
  select url_encode(hmac(signables, secret, alg.id)) from alg
$fn$;

create or replace function @extschema@.sign(payload json, secret text, algorithm text default 'HS256') returns text
language sql immutable
set search_path = @extschema@, extensions, public, pg_catalog
as $fn$
  with header as (
    select url_encode(convert_to('{"alg":"' || algorithm || '","typ":"JWT"}', 'utf8')) as data
  ),
  payload as (
    select url_encode(convert_to(payload::text, 'utf8')) as data
  ),
  signables as (
    select header.data || '.' || payload.data as data from header, payload
  )
  select signables.data || '.' || algorithm_sign(signables.data, secret, algorithm) from signables
$fn$;

create or replace function @extschema@.try_cast_double(inp text) returns double precision
language plpgsql immutable
as $fn$
begin
  return inp::double precision;
exception when others then
  return null;
end
$fn$;

create or replace function @extschema@.verify(token text, secret text, algorithm text default 'HS256')
returns table (header json, payload json, valid boolean)
language sql immutable
set search_path = @extschema@, extensions, public, pg_catalog
as $fn$
  select jwt.header as header,
         jwt.payload as payload,
         jwt.signature_ok and tstzrange(
           to_timestamp(try_cast_double(jwt.payload ->> 'nbf')),
           to_timestamp(try_cast_double(jwt.payload ->> 'exp'))
         ) @> current_timestamp as valid
    from (
      select convert_from(url_decode(r[1]), 'utf8')::json as header,
             convert_from(url_decode(r[2]), 'utf8')::json as payload,
             r[3] = algorithm_sign(r[1] || '.' || r[2], secret, algorithm) as signature_ok
        from regexp_split_to_array(token, '\.') r
    ) jwt
$fn$;

-- @drop
drop function if exists @extschema@.verify(text, text, text);
drop function if exists @extschema@.try_cast_double(text);
drop function if exists @extschema@.sign(json, text, text);
drop function if exists @extschema@.algorithm_sign(text, text, text);
drop function if exists @extschema@.url_decode(text);
drop function if exists @extschema@.url_encode(bytea);
