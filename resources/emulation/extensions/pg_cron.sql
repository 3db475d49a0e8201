-- Stand-in for pg_cron: the `cron` schema with its job tables and the functions migrations call
-- (schedule, unschedule, alter_job, schedule_in_database). Schedules are checked the way pg_cron
-- parses them; jobs are recorded and never run.
create schema if not exists cron;

create table if not exists cron.job (
  jobid bigserial primary key,
  schedule text not null,
  command text not null,
  nodename text not null default 'localhost',
  nodeport integer not null default coalesce(inet_server_port(), 5432),
  database text not null default current_database(),
  username text not null default current_user,
  active boolean not null default true,
  jobname text,
  constraint jobname_username_uniq unique (jobname, username)
);

create table if not exists cron.job_run_details (
  jobid bigint,
  runid bigserial primary key,
  job_pid integer,
  database text,
  username text,
  command text,
  status text,
  return_message text,
  start_time timestamptz,
  end_time timestamptz
);

alter table cron.job enable row level security;
alter table cron.job_run_details enable row level security;
do $pg_cron$
begin
  if not exists (select from pg_catalog.pg_policies where schemaname = 'cron' and tablename = 'job') then
    create policy cron_job_policy on cron.job using (username = current_user);
  end if;
  if not exists (select from pg_catalog.pg_policies where schemaname = 'cron' and tablename = 'job_run_details') then
    create policy cron_job_run_details_policy on cron.job_run_details using (username = current_user);
  end if;
end
$pg_cron$;

-- pg_cron accepts five cron fields, `N seconds` (1-59), or one of the @ shorthands.
create or replace function cron._check_schedule(schedule text) returns void
language plpgsql immutable
as $fn$
declare
  field constant text := '(\*|[0-9]+|[a-z]{3})(-([0-9]+|[a-z]{3}))?(/[0-9]+)?';
  list constant text := field || '(,' || field || ')*';
  seconds int;
begin
  if schedule ~* '^\s*[0-9]+\s+seconds?\s*$' then
    seconds := substring(schedule from '[0-9]+')::int;
    if seconds between 1 and 59 then return; end if;
  elsif schedule ~* '^\s*@(yearly|annually|monthly|weekly|daily|hourly|reboot)\s*$'
     or schedule ~* ('^\s*' || list || '(\s+' || list || '){4}\s*$')
     or schedule ~* ('^\s*' || list || '(\s+' || list || '){3}\s+\$\s*$') then
    return;
  end if;
  raise exception 'invalid schedule: %', schedule;
end
$fn$;

create or replace function cron.schedule(schedule text, command text) returns bigint
language plpgsql
as $fn$
declare
  id bigint;
begin
  perform cron._check_schedule(schedule);
  insert into cron.job (schedule, command) values (schedule, command) returning jobid into id;
  return id;
end
$fn$;

create or replace function cron.schedule(job_name text, schedule text, command text) returns bigint
language plpgsql
as $fn$
declare
  id bigint;
begin
  perform cron._check_schedule(schedule);
  insert into cron.job (jobname, schedule, command) values (job_name, schedule, command)
  on conflict (jobname, username) do update set schedule = excluded.schedule, command = excluded.command
  returning jobid into id;
  return id;
end
$fn$;

create or replace function cron.schedule_in_database(
  job_name text, schedule text, command text, database text, username text default null, active boolean default true
) returns bigint
language plpgsql
as $fn$
declare
  id bigint;
begin
  perform cron._check_schedule(schedule);
  insert into cron.job (jobname, schedule, command, database, username, active)
  values (job_name, schedule, command, database, coalesce(username, current_user), active)
  on conflict (jobname, username) do update
    set schedule = excluded.schedule, command = excluded.command, database = excluded.database, active = excluded.active
  returning jobid into id;
  return id;
end
$fn$;

create or replace function cron.unschedule(job_id bigint) returns boolean
language plpgsql
as $fn$
begin
  delete from cron.job where jobid = job_id;
  if not found then
    raise exception 'could not find valid entry for job %', job_id;
  end if;
  return true;
end
$fn$;

create or replace function cron.unschedule(job_name text) returns boolean
language plpgsql
as $fn$
begin
  delete from cron.job where jobname = job_name and username = current_user;
  if not found then
    raise exception 'could not find valid entry for job ''%''', job_name;
  end if;
  return true;
end
$fn$;

create or replace function cron.alter_job(
  job_id bigint, schedule text default null, command text default null, database text default null,
  username text default null, active boolean default null
) returns void
language plpgsql
as $fn$
begin
  if schedule is not null then
    perform cron._check_schedule(schedule);
  end if;
  update cron.job j
     set schedule = coalesce(alter_job.schedule, j.schedule),
         command = coalesce(alter_job.command, j.command),
         database = coalesce(alter_job.database, j.database),
         username = coalesce(alter_job.username, j.username),
         active = coalesce(alter_job.active, j.active)
   where j.jobid = job_id;
  if not found then
    raise exception 'Job % does not exist or you don''t own it', job_id;
  end if;
end
$fn$;

-- Supabase lets postgres manage jobs (and grant that on).
grant usage on schema cron to postgres with grant option;
grant all on all tables in schema cron to postgres with grant option;
grant all on all sequences in schema cron to postgres with grant option;
grant all on all functions in schema cron to postgres with grant option;

-- @drop
drop schema if exists cron cascade;
