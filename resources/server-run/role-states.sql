-- What a `--db-url` run may need to change about the server's roles named in $1 (text[]) so that
-- they behave as Supabase's: the attributes that matter once a session has switched to the role
-- (SET ROLE), the roles it is a member of, and its comment, where the run keeps what it changed.
-- Roles that do not exist are left out. `options` holds pg_auth_members' per-grant options of
-- the server's version (PostgreSQL 16+: inherit_option, set_option), to give a grant back as it was.
select r.rolname::text as role,
       jsonb_build_object('superuser', r.rolsuper, 'createdb', r.rolcreatedb, 'createrole', r.rolcreaterole,
                          'replication', r.rolreplication, 'bypassrls', r.rolbypassrls, 'inherit', r.rolinherit) as attributes,
       coalesce((select jsonb_agg(jsonb_build_object('role', g.rolname::text, 'grantor', gr.rolname::text, 'admin', m.admin_option,
                                                     'options', to_jsonb(m) - array['oid', 'roleid', 'member', 'grantor', 'admin_option'])
                                  order by g.rolname, gr.rolname)
                   from pg_catalog.pg_auth_members m
                   join pg_catalog.pg_roles g on g.oid = m.roleid
                   left join pg_catalog.pg_roles gr on gr.oid = m.grantor
                  where m.member = r.oid), '[]'::jsonb) as member_of,
       pg_catalog.shobj_description(r.oid, 'pg_authid') as comment
  from pg_catalog.pg_roles r
 where r.rolname = any ($1::text[])
 order by array_position($1::text[], r.rolname::text)
