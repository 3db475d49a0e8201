-- Stand-in for pgmq (message queues in tables): the `pgmq` schema, its metadata table and the
-- functions applications call. Each queue is a table `pgmq.q_<name>` with an archive
-- `pgmq.a_<name>`, as in the real extension; reads honour the visibility timeout.
create schema if not exists pgmq;

do $pgmq$
begin
  if to_regtype('pgmq.message_record') is null then
    create type pgmq.message_record as (msg_id bigint, read_ct integer, enqueued_at timestamptz,
      vt timestamptz, message jsonb, headers jsonb);
  end if;
  if to_regtype('pgmq.queue_record') is null then
    create type pgmq.queue_record as (queue_name varchar, is_partitioned boolean, is_unlogged boolean,
      created_at timestamptz);
  end if;
end
$pgmq$;

create table if not exists pgmq.meta (
  queue_name varchar not null unique,
  is_partitioned boolean not null,
  is_unlogged boolean not null,
  created_at timestamptz not null default now()
);

create or replace function pgmq._check_name(queue_name text) returns void
language plpgsql immutable
as $fn$
begin
  if queue_name !~ '^[A-Za-z0-9_]+$' or length(queue_name) >= 48 then
    raise exception 'queue name contains invalid characters or is too long: %', queue_name;
  end if;
end
$fn$;

create or replace function pgmq.create(queue_name text) returns void
language plpgsql
as $fn$
begin
  perform pgmq._check_name(queue_name);
  execute format('create table if not exists pgmq.%I (msg_id bigint primary key generated always as identity,
    read_ct integer not null default 0, enqueued_at timestamptz not null default now(),
    vt timestamptz not null, message jsonb, headers jsonb)', 'q_' || lower(queue_name));
  execute format('create table if not exists pgmq.%I (msg_id bigint primary key, read_ct integer not null default 0,
    enqueued_at timestamptz not null default now(), archived_at timestamptz not null default now(),
    vt timestamptz not null, message jsonb, headers jsonb)', 'a_' || lower(queue_name));
  insert into pgmq.meta (queue_name, is_partitioned, is_unlogged) values (lower(queue_name), false, false)
  on conflict do nothing;
end
$fn$;

create or replace function pgmq.create_unlogged(queue_name text) returns void
language sql
as $fn$ select pgmq.create(queue_name) $fn$;

create or replace function pgmq.drop_queue(queue_name text) returns boolean
language plpgsql
as $fn$
begin
  perform pgmq._check_name(queue_name);
  execute format('drop table if exists pgmq.%I, pgmq.%I', 'q_' || lower(queue_name), 'a_' || lower(queue_name));
  delete from pgmq.meta m where m.queue_name = lower(drop_queue.queue_name);
  return found;
end
$fn$;

create or replace function pgmq.send(queue_name text, msg jsonb, delay integer default 0) returns setof bigint
language plpgsql
as $fn$
begin
  perform pgmq._check_name(queue_name);
  return query execute format('insert into pgmq.%I (vt, message) values (now() + make_interval(secs => $1), $2) returning msg_id',
                              'q_' || lower(queue_name)) using delay, msg;
end
$fn$;

create or replace function pgmq.send_batch(queue_name text, msgs jsonb[], delay integer default 0) returns setof bigint
language plpgsql
as $fn$
begin
  perform pgmq._check_name(queue_name);
  return query execute format('insert into pgmq.%I (vt, message) select now() + make_interval(secs => $1), m from unnest($2) m returning msg_id',
                              'q_' || lower(queue_name)) using delay, msgs;
end
$fn$;

create or replace function pgmq.read(queue_name text, vt integer, qty integer) returns setof pgmq.message_record
language plpgsql
as $fn$
begin
  perform pgmq._check_name(queue_name);
  return query execute format(
    'with picked as (select msg_id from pgmq.%1$I where vt <= now() order by msg_id limit $1 for update skip locked)
     update pgmq.%1$I q set vt = now() + make_interval(secs => $2), read_ct = q.read_ct + 1
       from picked where q.msg_id = picked.msg_id
     returning q.msg_id, q.read_ct, q.enqueued_at, q.vt, q.message, q.headers', 'q_' || lower(queue_name))
  using qty, vt;
end
$fn$;

create or replace function pgmq.pop(queue_name text) returns setof pgmq.message_record
language plpgsql
as $fn$
begin
  perform pgmq._check_name(queue_name);
  return query execute format(
    'with picked as (select msg_id from pgmq.%1$I where vt <= now() order by msg_id limit 1 for update skip locked)
     delete from pgmq.%1$I q using picked where q.msg_id = picked.msg_id
     returning q.msg_id, q.read_ct, q.enqueued_at, q.vt, q.message, q.headers', 'q_' || lower(queue_name));
end
$fn$;

create or replace function pgmq.delete(queue_name text, msg_id bigint) returns boolean
language plpgsql
as $fn$
declare
  deleted bigint;
begin
  perform pgmq._check_name(queue_name);
  execute format('delete from pgmq.%I where msg_id = $1 returning msg_id', 'q_' || lower(queue_name)) into deleted using msg_id;
  return deleted is not null;
end
$fn$;

create or replace function pgmq.archive(queue_name text, msg_id bigint) returns boolean
language plpgsql
as $fn$
declare
  archived bigint;
begin
  perform pgmq._check_name(queue_name);
  execute format(
    'with moved as (delete from pgmq.%I where msg_id = $1 returning msg_id, read_ct, enqueued_at, vt, message, headers)
     insert into pgmq.%I (msg_id, read_ct, enqueued_at, vt, message, headers) select * from moved returning msg_id',
    'q_' || lower(queue_name), 'a_' || lower(queue_name)) into archived using msg_id;
  return archived is not null;
end
$fn$;

create or replace function pgmq.purge_queue(queue_name text) returns bigint
language plpgsql
as $fn$
declare
  n bigint;
begin
  perform pgmq._check_name(queue_name);
  execute format('with gone as (delete from pgmq.%I returning 1) select count(*) from gone', 'q_' || lower(queue_name)) into n;
  return n;
end
$fn$;

create or replace function pgmq.list_queues() returns setof pgmq.queue_record
language sql stable
as $fn$ select queue_name, is_partitioned, is_unlogged, created_at from pgmq.meta order by queue_name $fn$;

grant usage on schema pgmq to postgres with grant option;
grant all on all tables in schema pgmq to postgres with grant option;
grant execute on all functions in schema pgmq to postgres with grant option;

-- @drop
drop schema if exists pgmq cascade;
