-- Stand-in for Supabase Wrappers (foreign data wrappers written in Rust): the statistics table
-- the extension creates, in the schema `create extension … with schema` names (@extschema@). The
-- wrappers' handler functions are C code: foreign data wrappers, servers and foreign tables over
-- them cannot be created here.
create table if not exists @extschema@.wrappers_fdw_stats (
  fdw_name text primary key,
  create_times bigint,
  rows_in bigint,
  rows_out bigint,
  bytes_in bigint,
  bytes_out bigint,
  metadata jsonb,
  created_at timestamptz not null default timezone('utc'::text, now()),
  updated_at timestamptz not null default timezone('utc'::text, now())
);

-- @drop
drop table if exists @extschema@.wrappers_fdw_stats;
