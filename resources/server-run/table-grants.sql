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

-- Whether `statement` is one statement: no `;` outside quotes, identifiers, comments and
-- dollar-quoted strings, save trailing ones. The run hands over statements it split itself; this
-- stops SQL that calls the function directly from running more than the one statement it names
-- with the owners' rights.
create function verify_supautils.is_one_statement(statement text)
returns boolean
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $fn$
declare
  n constant int := length(statement);
  backslash_escapes constant boolean := current_setting('standard_conforming_strings') = 'off';
  i int := 1;
  c text;
  quote_char text;
  escapes boolean;
  depth int;
  tag text;
  close_at int;
  ended boolean := false;
begin
  while i <= n loop
    c := substr(statement, i, 1);
    if ended and c !~ '[;[:space:]]' and substr(statement, i, 2) not in ('--', '/*') then
      return false;
    end if;
    if c = ';' then
      ended := true;
      i := i + 1;
    elsif c in ('''', '"') then
      quote_char := c;
      escapes := c = '''' and (backslash_escapes or (i > 1 and substr(statement, i - 1, 1) in ('E', 'e')
        and (i = 2 or substr(statement, i - 2, 1) !~ '[[:alnum:]_$]')));
      i := i + 1;
      loop
        if i > n then return false; end if;
        c := substr(statement, i, 1);
        if escapes and c = '\' then
          i := i + 2;
        elsif c = quote_char and substr(statement, i + 1, 1) = quote_char then
          i := i + 2;
        elsif c = quote_char then
          i := i + 1;
          exit;
        else
          i := i + 1;
        end if;
      end loop;
    elsif substr(statement, i, 2) = '--' then
      close_at := strpos(substr(statement, i), E'\n');
      i := case when close_at = 0 then n + 1 else i + close_at end;
    elsif substr(statement, i, 2) = '/*' then
      depth := 1;
      i := i + 2;
      while depth > 0 loop
        if i > n then return false; end if;
        if substr(statement, i, 2) = '/*' then depth := depth + 1; i := i + 2;
        elsif substr(statement, i, 2) = '*/' then depth := depth - 1; i := i + 2;
        else i := i + 1;
        end if;
      end loop;
    elsif c = '$' and (i = 1 or substr(statement, i - 1, 1) !~ '[[:alnum:]_$]') then
      tag := substring(substr(statement, i) from '^\$([[:alpha:]_][[:alnum:]_]*)?\$');
      if tag is null and substr(statement, i, 2) <> '$$' then
        i := i + 1;
      else
        tag := '$' || coalesce(tag, '') || '$';
        close_at := strpos(substr(statement, i + length(tag)), tag);
        if close_at = 0 then return false; end if;
        i := i + length(tag) + close_at - 1 + length(tag);
      end if;
    else
      i := i + 1;
    end if;
  end loop;
  return true;
end
$fn$;

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
  if not verify_supautils.is_one_statement(statement) then
    raise exception 'verify_supautils.run_granted runs one statement at a time' using errcode = '42501';
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
  execute format('alter function verify_supautils.is_one_statement(text) owner to %I', grant_role);
  revoke all on function verify_supautils.run_granted(text, regclass, text, text) from public;
  execute format('grant usage on schema verify_supautils to %I', run_role);
  execute format('grant execute on function verify_supautils.run_granted(text, regclass, text, text) to %I', run_role);
end
$grants$;
