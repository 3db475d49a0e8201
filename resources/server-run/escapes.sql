-- The roles through which verify.check_role ($1) could act beyond a Supabase project's postgres:
-- itself when a superuser, and any role it is a member of that is a superuser or may run server
-- programs, read or write server files, or signal other backends. Empty: it may run the repo's SQL.
select e.rolname::text as role
  from pg_catalog.pg_roles e
 where pg_catalog.pg_has_role($1::name, e.oid, 'MEMBER')
   and (e.rolsuper
        or e.rolname in ('pg_execute_server_program', 'pg_write_server_files', 'pg_read_server_files'))
 order by e.rolname = $1::name desc, 1
