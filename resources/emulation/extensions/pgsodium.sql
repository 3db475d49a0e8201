-- Stand-in for pgsodium (libsodium in PostgreSQL): its key table and a few helpers migrations
-- reference. No cryptography happens here.
create schema if not exists pgsodium;

do $pgsodium$
begin
  if to_regtype('pgsodium.key_status') is null then
    create type pgsodium.key_status as enum ('default', 'valid', 'invalid', 'expired');
  end if;
  if to_regtype('pgsodium.key_type') is null then
    create type pgsodium.key_type as enum ('aead-ietf', 'aead-det', 'hmacsha512', 'hmacsha256', 'auth',
      'shorthash', 'generichash', 'kdf', 'secretbox', 'secretstream', 'stream_xchacha20');
  end if;
end
$pgsodium$;

create table if not exists pgsodium.key (
  id uuid primary key default gen_random_uuid(),
  status pgsodium.key_status default 'valid',
  created timestamptz not null default current_timestamp,
  expires timestamptz,
  key_type pgsodium.key_type,
  key_id bigint,
  key_context bytea default '\x7067736f6469756d'::bytea,
  name text unique,
  associated_data text default 'associated',
  raw_key bytea,
  raw_key_nonce bytea,
  parent_key uuid references pgsodium.key (id),
  comment text,
  user_data text
);

create or replace function pgsodium.create_key(
  key_type pgsodium.key_type default 'aead-det', name text default null, raw_key bytea default null,
  raw_key_nonce bytea default null, parent_key uuid default null, key_context bytea default '\x7067736f6469756d'::bytea,
  expires timestamptz default null, associated_data text default ''
) returns pgsodium.key
language sql
as $fn$
  insert into pgsodium.key (key_type, name, raw_key, raw_key_nonce, parent_key, key_context, expires, associated_data)
  values (key_type, name, raw_key, raw_key_nonce, parent_key, key_context, expires, associated_data)
  returning *
$fn$;

create or replace function pgsodium.randombytes_random() returns integer
language sql volatile
as $fn$ select (random() * 4294967295)::bigint::bit(32)::integer $fn$;

create or replace function pgsodium.randombytes_buf(size integer) returns bytea
language sql volatile
as $fn$ select decode(string_agg(lpad(to_hex((random() * 255)::int), 2, '0'), ''), 'hex') from generate_series(1, size) $fn$;

create or replace function pgsodium.crypto_aead_det_noncegen() returns bytea
language sql volatile
as $fn$ select pgsodium.randombytes_buf(16) $fn$;

grant usage on schema pgsodium to postgres;
grant select on pgsodium.key to postgres;

-- @drop
drop schema if exists pgsodium cascade;
