-- Stand-in for pg_tle (Trusted Language Extensions): the `pgtle` schema and the functions that
-- register an extension. Registered extensions are recorded; `create extension` of one is not
-- emulated.
create schema if not exists pgtle;

create table if not exists pgtle.extensions (
  name text primary key,
  default_version text not null,
  description text,
  requires text[],
  versions jsonb not null default '{}'
);

create or replace function pgtle.install_extension(
  name text, version text, description text, ext text, requires text[] default null
) returns boolean
language plpgsql
as $fn$
begin
  if exists (select from pgtle.extensions e where e.name = install_extension.name) then
    raise exception 'extension "%" already installed', name using errcode = '42710';
  end if;
  insert into pgtle.extensions (name, default_version, description, requires, versions)
  values (name, version, description, requires, jsonb_build_object(version, ext));
  return true;
end
$fn$;

create or replace function pgtle.install_update_path(name text, fromvers text, tovers text, ext text) returns boolean
language sql
as $fn$
  update pgtle.extensions e set versions = e.versions || jsonb_build_object(tovers, ext)
   where e.name = install_update_path.name
  returning true
$fn$;

create or replace function pgtle.set_default_version(name text, version text) returns boolean
language sql
as $fn$
  update pgtle.extensions e set default_version = version where e.name = set_default_version.name returning true
$fn$;

create or replace function pgtle.uninstall_extension(extname text) returns boolean
language plpgsql
as $fn$
begin
  delete from pgtle.extensions where name = extname;
  if not found then
    raise exception 'Extension % does not exist', extname using errcode = '42704';
  end if;
  return true;
end
$fn$;

create or replace function pgtle.available_extensions()
returns table (name name, default_version text, comment text)
language sql stable
as $fn$ select e.name::name, e.default_version, e.description from pgtle.extensions e $fn$;

grant usage on schema pgtle to postgres;
grant execute on all functions in schema pgtle to postgres;

-- @drop
drop schema if exists pgtle cascade;
