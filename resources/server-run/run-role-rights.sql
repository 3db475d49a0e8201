-- Run as the installer in a `--db-url` temporary database, after the emulation: gives the run's
-- role (setting verify.run_role) what Supabase's postgres holds there, when the server's own
-- postgres is a superuser and so cannot run the repo's SQL with a project's rights.
--
-- The database (and so `public`, owned by pg_database_owner), the schemas and the publication
-- the emulation gives postgres; every privilege postgres was granted on a schema, table, sequence
-- or function; postgres's default privileges; and its settings in this database. Memberships
-- are granted by the caller, which first checks that none leads to superuser rights.
do $rights$
declare
  run_role constant text := current_setting('verify.run_role');
  pg_oid constant oid := (select oid from pg_catalog.pg_roles where rolname = 'postgres');
  item record;
begin
  execute format('alter database %I owner to %I', current_database(), run_role);

  for item in
    select n.nspname from pg_catalog.pg_namespace n where n.nspowner = pg_oid
  loop
    execute format('alter schema %I owner to %I', item.nspname, run_role);
  end loop;
  for item in
    select p.pubname from pg_catalog.pg_publication p where p.pubowner = pg_oid
  loop
    execute format('alter publication %I owner to %I', item.pubname, run_role);
  end loop;

  for item in
    select format('grant %s on schema %I to %I%s', a.privilege_type, n.nspname, run_role,
                  case when a.is_grantable then ' with grant option' else '' end) as sql
      from pg_catalog.pg_namespace n, aclexplode(n.nspacl) a
     where a.grantee = pg_oid
    union all
    select format('grant %s on %s %I.%I to %I%s', a.privilege_type,
                  case when c.relkind = 'S' then 'sequence' else 'table' end, n.nspname, c.relname, run_role,
                  case when a.is_grantable then ' with grant option' else '' end)
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace, aclexplode(c.relacl) a
     where a.grantee = pg_oid
    union all
    select format('grant %s on %s %s to %I%s', a.privilege_type,
                  case when p.prokind = 'p' then 'procedure' else 'function' end, p.oid::regprocedure, run_role,
                  case when a.is_grantable then ' with grant option' else '' end)
      from pg_catalog.pg_proc p, aclexplode(p.proacl) a
     where a.grantee = pg_oid
  loop
    execute item.sql;
  end loop;

  -- Default privileges: postgres's entries, for objects the run's role creates.
  for item in
    select format('alter default privileges for role %I%s grant %s on %s to %s', run_role,
                  case when d.defaclnamespace = 0 then '' else format(' in schema %I', n.nspname) end,
                  a.privilege_type,
                  case d.defaclobjtype when 'r' then 'tables' when 'S' then 'sequences' when 'f' then 'functions'
                                       when 'T' then 'types' when 'n' then 'schemas' end,
                  case when a.grantee = 0 then 'public' else quote_ident(g.rolname) end) as sql
      from pg_catalog.pg_default_acl d
      left join pg_catalog.pg_namespace n on n.oid = d.defaclnamespace,
           aclexplode(d.defaclacl) a
      left join pg_catalog.pg_roles g on g.oid = a.grantee
     where d.defaclrole = pg_oid and a.grantee <> pg_oid
  loop
    execute item.sql;
  end loop;

  for item in
    select unnest(s.setconfig) as setting
      from pg_catalog.pg_db_role_setting s
     where s.setrole = pg_oid
       and s.setdatabase = (select oid from pg_catalog.pg_database where datname = current_database())
  loop
    execute format('alter role %I in database %I set %s = %s', run_role, current_database(),
                   split_part(item.setting, '=', 1),
                   case when split_part(item.setting, '=', 1) = 'search_path'
                        then substr(item.setting, length('search_path=') + 1)
                        else quote_literal(substr(item.setting, length(split_part(item.setting, '=', 1)) + 2)) end);
  end loop;
end
$rights$;
