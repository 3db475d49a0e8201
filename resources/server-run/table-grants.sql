-- Run as the installer in a `--db-url` temporary database, after run-role-rights.sql: what
-- supautils lets a project's postgres do on platform tables it does not own. On a project,
-- supautils runs CREATE, ALTER and DROP POLICY on a table of supautils.policy_grants, and DROP
-- TRIGGER on one of supautils.drop_trigger_grants, as its superuser (supabase/supautils,
-- src/table_grants.c); postgres is no member of the tables' owners. Here the run's SQL hands
-- such a statement to verify_supautils.run_granted, which runs it as verify.grant_role: a member
-- of the tables' owners and of the run role, without attributes or login. So the run role may
-- manage policies and drop triggers on those tables, not alter or drop them: `alter table
-- storage.objects …` fails as on a project.
--
-- verify.granted_tables (JSON) lists the tables by grant: {"policy": [...], "drop trigger": [...]}.
-- The grant role's memberships are cluster-level: they go with the role when the run ends. An
-- owner through which it could act beyond this database is left out, and its tables stay refused.
create schema verify_supautils;

create table verify_supautils.granted_tables (
  grant_kind text not null check (grant_kind in ('policy', 'drop trigger')),
  relation regclass not null,
  primary key (grant_kind, relation)
);

insert into verify_supautils.granted_tables (grant_kind, relation)
select g.key, pg_catalog.to_regclass(t.name)
  from pg_catalog.jsonb_each(pg_catalog.current_setting('verify.granted_tables')::jsonb) g,
       pg_catalog.jsonb_array_elements_text(g.value) t(name)
 where pg_catalog.to_regclass(t.name) is not null;

-- `statement` is one statement, as the run split it from the repo's file; it resolves names with
-- the caller's search_path, as it would have run without the grant.
create function verify_supautils.run_granted(grant_kind text, relation regclass, statement text, caller_search_path text)
returns void
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $fn$
begin
  if not exists (select from verify_supautils.granted_tables g
                  where g.grant_kind = run_granted.grant_kind and g.relation = run_granted.relation) then
    raise exception 'must be owner of table %', (select c.relname from pg_class c where c.oid = run_granted.relation)
      using errcode = '42501';
  end if;
  if statement !~* (case grant_kind when 'policy' then '^\s*(create|alter|drop)\s+policy\s' else '^\s*drop\s+trigger\s' end) then
    raise exception 'verify_supautils.run_granted runs % statements only', grant_kind using errcode = '42501';
  end if;
  perform set_config('search_path', caller_search_path, true);
  execute statement;
end
$fn$;

do $grants$
declare
  run_role constant text := current_setting('verify.run_role');
  grant_role constant text := current_setting('verify.grant_role');
  owner_name text;
begin
  for owner_name in
    select distinct o.rolname::text
      from verify_supautils.granted_tables g
      join pg_catalog.pg_class c on c.oid = g.relation
      join pg_catalog.pg_roles o on o.oid = c.relowner
     where not exists (select from pg_catalog.pg_roles e
                        where pg_catalog.pg_has_role(o.oid, e.oid, 'MEMBER')
                          and (e.rolsuper or e.rolname in ('pg_execute_server_program', 'pg_write_server_files',
                                                           'pg_read_server_files', 'pg_signal_backend')))
  loop
    if not pg_catalog.pg_has_role(grant_role, owner_name, 'MEMBER') then
      execute format('grant %I to %I', owner_name, grant_role);
    end if;
  end loop;

  execute format('alter schema verify_supautils owner to %I', grant_role);
  execute format('alter table verify_supautils.granted_tables owner to %I', grant_role);
  execute format('alter function verify_supautils.run_granted(text, regclass, text, text) owner to %I', grant_role);
  revoke all on function verify_supautils.run_granted(text, regclass, text, text) from public;
  execute format('grant usage on schema verify_supautils to %I', run_role);
  execute format('grant execute on function verify_supautils.run_granted(text, regclass, text, text) to %I', run_role);
end
$grants$;
