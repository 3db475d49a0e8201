-- Supabase Storage's schema as a new project has it before user migrations: the tables the
-- Storage service keeps (buckets, objects, multipart uploads, analytics and vector buckets),
-- the helper functions policies call, row-level security on the tables the API exposes, and the
-- trigger that refuses deletes made outside the Storage API. Everything belongs to
-- supabase_storage_admin, the role the service connects as. Written after supabase/storage's
-- tenant migrations and the grants a hosted project shows.
--
-- Run by the installer as the bootstrap superuser, after the roles exist.

create schema if not exists storage authorization supabase_admin;
grant usage on schema storage to postgres, anon, authenticated, service_role;
grant all on schema storage to supabase_storage_admin;
-- The service creates tables later (new migrations); a project grants them as it grants these.
alter default privileges for role supabase_storage_admin in schema storage
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_storage_admin in schema storage
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_storage_admin in schema storage
  grant all on sequences to postgres, anon, authenticated, service_role;

do $storage$
begin
  if not exists (select from pg_catalog.pg_type t join pg_catalog.pg_namespace n on n.oid = t.typnamespace
                  where n.nspname = 'storage' and t.typname = 'buckettype') then
    create type storage.buckettype as enum ('STANDARD', 'ANALYTICS', 'VECTOR');
  end if;
end
$storage$;

create table if not exists storage.migrations (
  id integer primary key,
  name varchar(100) not null unique,
  hash varchar(40) not null,
  executed_at timestamp default current_timestamp
);

create table if not exists storage.buckets (
  id text primary key,
  name text not null,
  -- Deprecated in favour of owner_id; kept because older policies and dumps use it.
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  owner_id text,
  type storage.buckettype not null default 'STANDARD'
);
create unique index if not exists bname on storage.buckets using btree (name);

create table if not exists storage.objects (
  id uuid primary key default gen_random_uuid(),
  bucket_id text constraint "objects_bucketId_fkey" references storage.buckets (id),
  name text,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  owner_id text,
  user_metadata jsonb
);
create unique index if not exists bucketid_objname on storage.objects using btree (bucket_id, name);
create index if not exists name_prefix_search on storage.objects (name text_pattern_ops);
create index if not exists idx_objects_bucket_id_name on storage.objects (bucket_id, name collate "C");

create table if not exists storage.s3_multipart_uploads (
  id text primary key,
  in_progress_size bigint not null default 0,
  upload_signature text not null,
  bucket_id text not null references storage.buckets (id),
  key text collate "C" not null,
  version text not null,
  owner_id text,
  created_at timestamptz not null default now(),
  user_metadata jsonb
);
create index if not exists idx_multipart_uploads_list
  on storage.s3_multipart_uploads (bucket_id, key, created_at);

create table if not exists storage.s3_multipart_uploads_parts (
  id uuid primary key default gen_random_uuid(),
  upload_id text not null references storage.s3_multipart_uploads (id) on delete cascade,
  size bigint not null default 0,
  part_number integer not null,
  bucket_id text not null references storage.buckets (id),
  key text collate "C" not null,
  etag text not null,
  owner_id text,
  version text not null,
  created_at timestamptz not null default now()
);

create table if not exists storage.buckets_analytics (
  name text not null,
  type storage.buckettype not null default 'ANALYTICS',
  format text not null default 'ICEBERG',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  id uuid primary key default gen_random_uuid(),
  deleted_at timestamptz
);
create unique index if not exists buckets_analytics_unique_name_idx
  on storage.buckets_analytics (name) where deleted_at is null;

create table if not exists storage.buckets_vectors (
  id text primary key,
  type storage.buckettype not null default 'VECTOR',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists storage.vector_indexes (
  id text primary key default gen_random_uuid(),
  name text collate "C" not null,
  bucket_id text not null references storage.buckets_vectors (id),
  data_type text not null,
  dimension integer not null,
  distance_metric text not null,
  metadata_configuration jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index if not exists vector_indexes_name_bucket_id_idx on storage.vector_indexes (name, bucket_id);

alter table storage.migrations enable row level security;
alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
alter table storage.s3_multipart_uploads enable row level security;
alter table storage.s3_multipart_uploads_parts enable row level security;
alter table storage.buckets_analytics enable row level security;
alter table storage.buckets_vectors enable row level security;
alter table storage.vector_indexes enable row level security;

-- Path helpers policies use: `(storage.foldername(name))[1] = auth.uid()::text`.
create or replace function storage.foldername(name text) returns text[]
language plpgsql immutable
as $fn$
declare
  parts text[] := string_to_array(name, '/');
begin
  return parts[1 : array_length(parts, 1) - 1];
end
$fn$;

create or replace function storage.filename(name text) returns text
language plpgsql immutable
as $fn$
declare
  parts text[] := string_to_array(name, '/');
begin
  return parts[array_length(parts, 1)];
end
$fn$;

create or replace function storage.extension(name text) returns text
language plpgsql immutable
as $fn$
declare
  parts text[] := string_to_array(name, '/');
  last_part text := parts[array_length(parts, 1)];
begin
  -- No dot: the whole file name, as the service's own function answers.
  return reverse(split_part(reverse(last_part), '.', 1));
end
$fn$;

-- The name of the Storage API operation running (set by the service per request).
create or replace function storage.operation() returns text
language plpgsql stable
as $fn$
begin
  return current_setting('storage.operation', true);
end
$fn$;

create or replace function storage.get_size_by_bucket() returns table (size bigint, bucket_id text)
language plpgsql stable
as $fn$
begin
  return query
    select sum((o.metadata ->> 'size')::bigint)::bigint as size, o.bucket_id
      from storage.objects as o
     group by o.bucket_id;
end
$fn$;

-- The first version of the dashboard's folder listing; the service still keeps it.
create or replace function storage.search(
  prefix text,
  bucketname text,
  limits int default 100,
  levels int default 1,
  offsets int default 0,
  search text default '',
  sortcolumn text default 'name',
  sortorder text default 'asc'
) returns table (
  name text,
  id uuid,
  updated_at timestamptz,
  created_at timestamptz,
  last_accessed_at timestamptz,
  metadata jsonb
)
language plpgsql stable
as $fn$
declare
  sort_column text := case lower(sortcolumn)
    when 'updated_at' then 'updated_at' when 'created_at' then 'created_at'
    when 'last_accessed_at' then 'last_accessed_at' else 'name' end;
  sort_order text := case lower(sortorder) when 'desc' then 'desc' else 'asc' end;
begin
  return query execute format(
    $q$
    with entries as (
      select (string_to_array(o.name, '/'))[$1] as entry,
             bool_or(array_length(string_to_array(o.name, '/'), 1) > $1) as is_folder
        from storage.objects o
       where o.bucket_id = $2
         and o.name ilike $3 || $4 || '%%'
       group by 1
    )
    select e.entry, o.id, o.updated_at, o.created_at, o.last_accessed_at, o.metadata
      from entries e
      left join storage.objects o
        on not e.is_folder and o.bucket_id = $2 and o.name = $3 || e.entry
     order by e.is_folder desc, %I %s
     limit $5 offset $6
    $q$, case sort_column when 'name' then 'entry' else sort_column end, sort_order)
  using levels, bucketname, prefix, search, limits, offsets;
end
$fn$;

create or replace function storage.list_objects_with_delimiter(
  bucket_id text,
  prefix_param text,
  delimiter_param text,
  max_keys integer default 100,
  start_after text default '',
  next_token text default ''
) returns table (name text, id uuid, metadata jsonb, updated_at timestamptz)
language plpgsql stable
as $fn$
begin
  return query
    select distinct on (listed.name collate "C") listed.name, listed.id, listed.metadata, listed.updated_at
      from (
        select case
                 when position(delimiter_param in substring(o.name from length(prefix_param) + 1)) > 0
                 then substring(o.name from 1 for length(prefix_param)
                        + position(delimiter_param in substring(o.name from length(prefix_param) + 1)))
                 else o.name
               end as name,
               o.id, o.metadata, o.updated_at
          from storage.objects o
         where o.bucket_id = list_objects_with_delimiter.bucket_id
           and o.name ilike prefix_param || '%'
           and (next_token = '' or o.name collate "C" > next_token)
           and (start_after = '' or o.name collate "C" > start_after)
      ) listed
     order by listed.name collate "C"
     limit max_keys;
end
$fn$;

create or replace function storage.list_multipart_uploads_with_delimiter(
  bucket_id text,
  prefix_param text,
  delimiter_param text,
  max_keys integer default 100,
  next_key_token text default '',
  next_upload_token text default ''
) returns table (key text, id text, created_at timestamptz)
language plpgsql stable
as $fn$
begin
  return query
    select distinct on (listed.key collate "C") listed.key, listed.id, listed.created_at
      from (
        select case
                 when position(delimiter_param in substring(u.key from length(prefix_param) + 1)) > 0
                 then substring(u.key from 1 for length(prefix_param)
                        + position(delimiter_param in substring(u.key from length(prefix_param) + 1)))
                 else u.key
               end as key,
               u.id, u.created_at
          from storage.s3_multipart_uploads u
         where u.bucket_id = list_multipart_uploads_with_delimiter.bucket_id
           and u.key ilike prefix_param || '%'
           and (next_key_token = '' or u.key collate "C" > next_key_token)
           and (next_upload_token = '' or u.id collate "C" > next_upload_token)
      ) listed
     order by listed.key collate "C"
     limit max_keys;
end
$fn$;

-- The service asks whether the caller's policies would let an object in, without keeping it.
create or replace function storage.can_insert_object(bucketid text, name text, owner uuid, metadata jsonb) returns void
language plpgsql
as $fn$
begin
  insert into storage.objects (bucket_id, name, owner, metadata) values (bucketid, name, owner, metadata);
  raise sqlstate 'PT200' using message = 'ROLLBACK', detail = 'rollback successful insert';
end
$fn$;

create or replace function storage.update_updated_at_column() returns trigger
language plpgsql
as $fn$
begin
  new.updated_at := now();
  return new;
end
$fn$;

create or replace function storage.enforce_bucket_name_length() returns trigger
language plpgsql
as $fn$
begin
  if length(new.name) > 100 then
    raise exception 'bucket name "%" is too long (% characters). Max is 100.', new.name, length(new.name);
  end if;
  return new;
end
$fn$;

-- Rows of these tables stand for files in object storage: deleting them in SQL would orphan the
-- files. The service sets storage.can_delete for its own deletes; anything else is refused.
create or replace function storage.protect_delete() returns trigger
language plpgsql
as $fn$
begin
  if coalesce(current_setting('storage.can_delete', true), 'false') <> 'true' then
    raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
      using errcode = '42501', hint = 'This prevents accidental data loss from orphaned objects.';
  end if;
  return null;
end
$fn$;

do $storage$
declare
  protected text[] := array['buckets', 'objects', 's3_multipart_uploads', 's3_multipart_uploads_parts',
                            'buckets_analytics', 'buckets_vectors', 'vector_indexes'];
  t text;
begin
  foreach t in array protected loop
    if not exists (select from pg_catalog.pg_trigger
                    where tgrelid = format('storage.%I', t)::regclass and tgname = format('protect_%s_delete', t)) then
      execute format('create trigger %I before delete on storage.%I for each statement execute function storage.protect_delete()',
                     format('protect_%s_delete', t), t);
    end if;
  end loop;
  if not exists (select from pg_catalog.pg_trigger where tgrelid = 'storage.objects'::regclass and tgname = 'update_objects_updated_at') then
    create trigger update_objects_updated_at before update on storage.objects
      for each row execute function storage.update_updated_at_column();
  end if;
  if not exists (select from pg_catalog.pg_trigger where tgrelid = 'storage.buckets'::regclass and tgname = 'enforce_bucket_name_length_trigger') then
    create trigger enforce_bucket_name_length_trigger before insert or update of name on storage.buckets
      for each row execute function storage.enforce_bucket_name_length();
  end if;
end
$storage$;

-- Ownership: the service's role owns what it maintains.
do $storage$
declare
  r record;
begin
  for r in select c.relname from pg_catalog.pg_class c
            where c.relnamespace = 'storage'::regnamespace and c.relkind in ('r', 'p') loop
    execute format('alter table storage.%I owner to supabase_storage_admin', r.relname);
  end loop;
  for r in select p.oid::regprocedure as fn from pg_catalog.pg_proc p
            where p.pronamespace = 'storage'::regnamespace loop
    execute format('alter function %s owner to supabase_storage_admin', r.fn);
  end loop;
end
$storage$;
alter type storage.buckettype owner to supabase_storage_admin;
-- The service role's search_path (storage) is set in 01_role_settings.sql, for this database
-- only: a role setting for every database would change a --db-url server for good.

-- What the API roles and postgres hold on a hosted project. RLS gates the rows: a project with
-- no policy on storage.objects lets no API role read or write any object.
grant all on storage.buckets, storage.objects, storage.migrations to anon, authenticated, service_role;
grant all on storage.buckets, storage.objects to postgres with grant option;
grant all on storage.s3_multipart_uploads, storage.s3_multipart_uploads_parts to service_role;
grant select on storage.s3_multipart_uploads, storage.s3_multipart_uploads_parts to anon, authenticated;
grant all on storage.buckets_analytics, storage.buckets_vectors, storage.vector_indexes to service_role;
grant select on storage.buckets_analytics, storage.buckets_vectors, storage.vector_indexes to anon, authenticated;
grant all on all tables in schema storage to postgres;
grant execute on all functions in schema storage to postgres, anon, authenticated, service_role;

-- postgres is not a member of supabase_storage_admin (supabase/postgres revoked it in 2024 and
-- again in 20250421084701_revoke_admin_roles_from_postgres): it may not alter these tables. It
-- creates policies on storage.objects and storage.buckets, and drops triggers there, through
-- supautils' policy and drop-trigger grants (resources/emulation/supautils/platform.json).
