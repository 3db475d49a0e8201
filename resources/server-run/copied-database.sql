-- Run as the installer in a `--db-url` temporary database made with CREATE DATABASE … TEMPLATE
-- from the run database named by verify.template, where the emulation is installed: gives it
-- what a copy does not take from its template but the emulation set there, so that it is the
-- database a fresh install would have made. That is the settings scoped to the database
-- (ALTER ROLE … IN DATABASE … SET, ALTER DATABASE … SET) and its owner.
do $copied$
declare
  template constant text := current_setting('verify.template');
  item record;
  template_owner text;
begin
  for item in
    select r.rolname::text as role,
           split_part(s.setting, '=', 1) as name,
           substr(s.setting, strpos(s.setting, '=') + 1) as value
      from pg_catalog.pg_db_role_setting d
      join pg_catalog.pg_database db on db.oid = d.setdatabase and db.datname = template
      left join pg_catalog.pg_roles r on r.oid = d.setrole,
           unnest(d.setconfig) as s(setting)
  loop
    -- FROM CURRENT stores the value as the server parsed it for the template: set it here first
    -- (for this transaction only), and the stored text is the template's.
    perform pg_catalog.set_config(item.name, item.value, true);
    if item.role is null then
      execute format('alter database %I set %s from current', current_database(), item.name);
    else
      execute format('alter role %I in database %I set %s from current', item.role, current_database(), item.name);
    end if;
  end loop;

  select r.rolname::text into template_owner
    from pg_catalog.pg_database db join pg_catalog.pg_roles r on r.oid = db.datdba
   where db.datname = template;
  if template_owner is distinct from (select r.rolname::text from pg_catalog.pg_database db
                                        join pg_catalog.pg_roles r on r.oid = db.datdba
                                       where db.datname = current_database()) then
    execute format('alter database %I owner to %I', current_database(), template_owner);
  end if;
end
$copied$;
