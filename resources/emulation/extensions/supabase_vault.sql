-- Stand-in for supabase_vault: vault.secrets, the vault.decrypted_secrets view and the
-- functions that write secrets. The real extension encrypts with a key the database never
-- exposes; here the secret is only encoded, so nothing about encryption is verified.
create schema if not exists vault;

create table if not exists vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea,
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz not null default current_timestamp
);
create unique index if not exists secrets_name_idx on vault.secrets (name) where name is not null;

create or replace function vault._encode(plain text) returns text
language sql immutable
as $fn$ select encode(convert_to(plain, 'UTF8'), 'base64') $fn$;

create or replace function vault._decode(stored text) returns text
language sql immutable
as $fn$ select convert_from(decode(stored, 'base64'), 'UTF8') $fn$;

create or replace view vault.decrypted_secrets as
select s.id, s.name, s.description, s.secret, vault._decode(s.secret) as decrypted_secret,
       s.key_id, s.nonce, s.created_at, s.updated_at
  from vault.secrets s;

create or replace function vault.create_secret(
  new_secret text, new_name text default null, new_description text default '', new_key_id uuid default null
) returns uuid
language plpgsql security definer set search_path = ''
as $fn$
declare
  rec record;
begin
  insert into vault.secrets (secret, name, description, key_id)
  values (vault._encode(new_secret), new_name, coalesce(new_description, ''), new_key_id)
  returning * into rec;
  return rec.id;
end
$fn$;

create or replace function vault.update_secret(
  secret_id uuid, new_secret text default null, new_name text default null,
  new_description text default null, new_key_id uuid default null
) returns void
language plpgsql security definer set search_path = ''
as $fn$
begin
  update vault.secrets s
     set secret = coalesce(vault._encode(new_secret), s.secret),
         name = coalesce(new_name, s.name),
         description = coalesce(new_description, s.description),
         key_id = coalesce(new_key_id, s.key_id),
         updated_at = now()
   where s.id = secret_id;
end
$fn$;

revoke all on vault.secrets, vault.decrypted_secrets from public;
revoke all on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid) from public;
grant usage on schema vault to postgres with grant option;
grant select, delete on vault.secrets to postgres with grant option;
grant select on vault.decrypted_secrets to postgres with grant option;
grant execute on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid)
  to postgres with grant option;

-- @drop
drop schema if exists vault cascade;
