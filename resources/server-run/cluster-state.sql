-- The server's cluster-level state, as a `--db-url` run compares it before and after itself: one
-- row per item, named by `kind` and `a`, `b`, `c` (see cluster-state.ts), `props` what a change
-- to it would change. `roles` and `database` say which roles and database the item belongs to,
-- so that the run can leave out what runs create for themselves (their roles, their
-- verify_<hex> databases). Readable by any role; cluster-state-superuser.sql has the rest.
select 'role' as kind, r.rolname::text as a, null::text as b, null::text as c,
       array[r.rolname::text] as roles, null::text as database,
       jsonb_build_object('superuser', r.rolsuper, 'inherit', r.rolinherit, 'createrole', r.rolcreaterole,
                          'createdb', r.rolcreatedb, 'login', r.rolcanlogin, 'replication', r.rolreplication,
                          'bypassrls', r.rolbypassrls, 'connection limit', r.rolconnlimit,
                          'valid until', r.rolvaliduntil::text) as props
  from pg_catalog.pg_roles r
union all
select 'membership', m.rolname::text, g.rolname::text, null, array[m.rolname::text, g.rolname::text], null,
       jsonb_build_object('granted by', gr.rolname::text, 'admin option', a.admin_option)
         || (to_jsonb(a) - array['oid', 'roleid', 'member', 'grantor', 'admin_option'])
  from pg_catalog.pg_auth_members a
  join pg_catalog.pg_roles m on m.oid = a.member
  join pg_catalog.pg_roles g on g.oid = a.roleid
  left join pg_catalog.pg_roles gr on gr.oid = a.grantor
union all
select 'setting', r.rolname::text, d.datname::text, split_part(c.setting, '=', 1),
       case when r.rolname is null then '{}'::text[] else array[r.rolname::text] end, d.datname::text,
       jsonb_build_object('value', substr(c.setting, length(split_part(c.setting, '=', 1)) + 2))
  from pg_catalog.pg_db_role_setting s
  left join pg_catalog.pg_roles r on r.oid = s.setrole
  left join pg_catalog.pg_database d on d.oid = s.setdatabase,
       unnest(s.setconfig) as c(setting)
union all
select 'database', d.datname::text, null, null, array[o.rolname::text], d.datname::text,
       jsonb_build_object('owner', o.rolname::text, 'encoding', pg_catalog.pg_encoding_to_char(d.encoding),
                          'collate', d.datcollate, 'ctype', d.datctype, 'allow connections', d.datallowconn,
                          'connection limit', d.datconnlimit, 'template', d.datistemplate,
                          'tablespace', t.spcname::text, 'privileges', d.datacl::text)
  from pg_catalog.pg_database d
  join pg_catalog.pg_roles o on o.oid = d.datdba
  join pg_catalog.pg_tablespace t on t.oid = d.dattablespace
union all
select 'tablespace', t.spcname::text, null, null, array[o.rolname::text], null,
       jsonb_build_object('owner', o.rolname::text, 'location', pg_catalog.pg_tablespace_location(t.oid),
                          'options', t.spcoptions::text, 'privileges', t.spcacl::text)
  from pg_catalog.pg_tablespace t
  join pg_catalog.pg_roles o on o.oid = t.spcowner
union all
select 'comment',
       case c.classoid when 'pg_catalog.pg_authid'::regclass then 'role'
                       when 'pg_catalog.pg_database'::regclass then 'database' else 'tablespace' end,
       coalesce(r.rolname, d.datname, t.spcname)::text, null,
       case when r.rolname is null then '{}'::text[] else array[r.rolname::text] end, d.datname::text,
       jsonb_build_object('text', c.description)
  from pg_catalog.pg_shdescription c
  left join pg_catalog.pg_roles r on c.classoid = 'pg_catalog.pg_authid'::regclass and r.oid = c.objoid
  left join pg_catalog.pg_database d on c.classoid = 'pg_catalog.pg_database'::regclass and d.oid = c.objoid
  left join pg_catalog.pg_tablespace t on c.classoid = 'pg_catalog.pg_tablespace'::regclass and t.oid = c.objoid
 where coalesce(r.rolname, d.datname, t.spcname) is not null
union all
select 'replication slot', s.slot_name::text, null, null, '{}', s.database::text,
       jsonb_build_object('type', s.slot_type, 'plugin', s.plugin::text, 'database', s.database::text)
  from pg_catalog.pg_replication_slots s
 where not s.temporary
union all
select 'subscription', s.subname::text, null, null, array[o.rolname::text], d.datname::text,
       jsonb_build_object('owner', o.rolname::text, 'database', d.datname::text, 'enabled', s.subenabled)
  from pg_catalog.pg_subscription s
  join pg_catalog.pg_roles o on o.oid = s.subowner
  join pg_catalog.pg_database d on d.oid = s.subdbid
union all
select 'parameter privileges', p.parname::text, null, null, '{}', null, jsonb_build_object('privileges', p.paracl::text)
  from pg_catalog.pg_parameter_acl p
