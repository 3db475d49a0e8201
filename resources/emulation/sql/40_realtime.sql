-- Supabase Realtime as a new project has it before user migrations: the `supabase_realtime`
-- publication that Postgres Changes listens to (no tables until a migration adds them), and the
-- `realtime` schema with the Broadcast messages table and the functions user code calls
-- (`realtime.send`, `realtime.broadcast_changes`, `realtime.topic`). Written after
-- supabase/realtime's tenant migrations and the grants a hosted project shows.
--
-- Run by the installer as the bootstrap superuser, after the roles exist.

do $realtime$
begin
  if not exists (select from pg_catalog.pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$realtime$;
-- Owned by postgres so migrations may `alter publication supabase_realtime add table …`.
alter publication supabase_realtime owner to postgres;

create schema if not exists realtime authorization supabase_admin;
grant usage on schema realtime to postgres, anon, authenticated, service_role;
grant all on schema realtime to supabase_realtime_admin;

-- Broadcast and Presence messages; the service keeps one partition per day and authorizes a
-- private channel by running the client's request against this table's RLS policies.
create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  id uuid not null default gen_random_uuid(),
  primary key (id, inserted_at)
) partition by range (inserted_at);
create index if not exists messages_inserted_at_topic_index
  on realtime.messages (inserted_at desc, topic) where extension = 'broadcast' and private is true;
alter table realtime.messages enable row level security;

-- A default partition keeps inserts working before the service has created the day's one.
create table if not exists realtime.messages_default partition of realtime.messages default;

create table if not exists realtime.schema_migrations (
  version bigint primary key,
  inserted_at timestamp(0)
);

-- The topic of the channel being authorized, for policies on realtime.messages.
create or replace function realtime.topic() returns text
language sql stable
as $fn$
  select nullif(current_setting('realtime.topic', true), '')::text
$fn$;

-- Broadcasts `payload` as `event` on `topic` from SQL. A failure is a warning, never an error:
-- a trigger that broadcasts must not make the write that fired it fail.
create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true) returns void
language plpgsql
as $fn$
begin
  begin
    perform set_config('realtime.topic', topic, true);
    insert into realtime.messages (payload, event, topic, private, extension)
    values (payload, event, topic, private, 'broadcast');
  exception when others then
    raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
  end;
end
$fn$;

-- What a row-level trigger calls to broadcast the change it sees:
-- `perform realtime.broadcast_changes('topic', tg_op, tg_op, tg_table_name, tg_table_schema, new, old)`.
create or replace function realtime.broadcast_changes(
  topic_name text,
  event_name text,
  operation text,
  table_name text,
  table_schema text,
  new record,
  old record,
  level text default 'ROW'
) returns void
language plpgsql
as $fn$
declare
  row_data jsonb;
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;
  if operation in ('INSERT', 'UPDATE', 'DELETE') then
    row_data := jsonb_build_object('old_record', old, 'record', new, 'operation', operation,
                                   'table', table_name, 'schema', table_schema);
    perform realtime.send(row_data, event_name, topic_name);
  else
    raise exception 'Unexpected operation type: %', operation;
  end if;
exception when others then
  raise exception 'Failed to process the row: %', sqlerrm;
end
$fn$;

alter table realtime.messages owner to supabase_realtime_admin;
alter table realtime.messages_default owner to supabase_realtime_admin;
alter table realtime.schema_migrations owner to supabase_admin;
alter function realtime.topic() owner to supabase_realtime_admin;
alter function realtime.send(jsonb, text, text, boolean) owner to supabase_admin;
alter function realtime.broadcast_changes(text, text, text, text, text, record, record, text) owner to supabase_admin;

grant all on realtime.messages to postgres, dashboard_user, supabase_realtime_admin;
grant select, insert, update on realtime.messages to anon, authenticated, service_role;
grant select on realtime.schema_migrations to postgres, dashboard_user, anon, authenticated, service_role;
grant execute on function realtime.topic() to postgres, anon, authenticated, service_role;
grant execute on function realtime.send(jsonb, text, text, boolean),
                 realtime.broadcast_changes(text, text, text, text, text, record, record, text)
  to postgres, supabase_realtime_admin;

-- postgres is not a member of supabase_realtime_admin (supabase/postgres's
-- 20250421084701_revoke_admin_roles_from_postgres; Realtime's migrations revoke it too where
-- supautils grants realtime.messages): migrations create the policies that authorize private
-- channels through supautils' policy grants (resources/emulation/supautils/platform.json).
