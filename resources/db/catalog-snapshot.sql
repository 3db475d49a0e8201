-- What user SQL made of a database, one row per object, for comparing two databases built from
-- the same baseline (the declarative schema files on one, the migrations on the other).
--   kind     what the report calls the object
--   key      what identifies it on both databases (never an OID)
--   parent   the key of the table a column, constraint, index, policy or trigger belongs to
--   schema   the schema it is in (null for an extension)
--   tracked  false for objects in the schemas `supabase db diff` leaves out ($1, LIKE patterns)
--   facts    its properties, name -> text; a property one side lacks reads as absent there
-- Left out: what the Supabase docs list as not captured by the schema diff (comments, column
-- and schema privileges, publications, domains, materialized views, view owners and grants,
-- data), objects that belong to an extension, and NOT NULL constraints (the column says it).
with user_schemas as (
    select n.oid, n.nspname, not (n.nspname like any ($1::text[])) as tracked
    from pg_catalog.pg_namespace n
    where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
      and n.nspname not like 'pg\_temp\_%'
      and n.nspname not like 'pg\_toast\_temp\_%'
),
extension_members as (
    select d.classid, d.objid
    from pg_catalog.pg_depend d
    where d.deptype = 'e'
),
-- Privileges by grantee (the owner's own left out: they follow the owner), 'public' for PUBLIC.
relation_grants as (
    select c.oid,
           coalesce(jsonb_object_agg('grants to ' || g.grantee, g.privileges) filter (where g.grantee is not null), '{}') as facts
    from pg_catalog.pg_class c
    left join lateral (
        select case when a.grantee = 0 then 'public' else pg_catalog.pg_get_userbyid(a.grantee) end as grantee,
               string_agg(a.privilege_type || case when a.is_grantable then ' (with grant option)' else '' end, ', '
                          order by a.privilege_type) as privileges
        from aclexplode(coalesce(c.relacl, pg_catalog.acldefault((case when c.relkind = 'S' then 's' else 'r' end)::"char", c.relowner))) a
        where a.grantee <> c.relowner
        group by 1
    ) g on true
    where c.relkind in ('r', 'p', 'S')
    group by c.oid
),
function_grants as (
    select p.oid,
           coalesce(jsonb_object_agg('grants to ' || g.grantee, g.privileges) filter (where g.grantee is not null), '{}') as facts
    from pg_catalog.pg_proc p
    left join lateral (
        select case when a.grantee = 0 then 'public' else pg_catalog.pg_get_userbyid(a.grantee) end as grantee,
               string_agg(a.privilege_type || case when a.is_grantable then ' (with grant option)' else '' end, ', '
                          order by a.privilege_type) as privileges
        from aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f'::"char", p.proowner))) a
        where a.grantee <> p.proowner
        group by 1
    ) g on true
    group by p.oid
),
relations as (
    select c.oid, c.relname, c.relkind, c.relowner, c.relrowsecurity, c.relforcerowsecurity, c.relpersistence,
           s.nspname::text as nspname, s.tracked,
           quote_ident(s.nspname) || '.' || quote_ident(c.relname) as qualified
    from pg_catalog.pg_class c
    join user_schemas s on s.oid = c.relnamespace
    where c.relkind in ('r', 'p', 'v', 'S', 'i', 'I')
      and not exists (select from extension_members e where e.classid = 'pg_catalog.pg_class'::regclass and e.objid = c.oid)
),
tables as (
    select * from relations where relkind in ('r', 'p')
)
select 'schema' as kind, 'schema ' || quote_ident(s.nspname) as key, null as parent, s.nspname::text as schema, s.tracked,
       jsonb_build_object('owner', pg_catalog.pg_get_userbyid(n.nspowner)) as facts
from user_schemas s
join pg_catalog.pg_namespace n on n.oid = s.oid
where not exists (select from extension_members e where e.classid = 'pg_catalog.pg_namespace'::regclass and e.objid = s.oid)
union all
select 'extension', 'extension ' || quote_ident(x.extname), null, null, true,
       jsonb_build_object('schema', x.extnamespace::regnamespace::text)
from pg_catalog.pg_extension x
where x.extname <> 'plpgsql'
union all
select case when t.relkind = 'p' then 'partitioned table' else 'table' end, 'table ' || t.qualified, null, t.nspname, t.tracked,
       jsonb_build_object(
           'owner', pg_catalog.pg_get_userbyid(t.relowner),
           'row level security', case when t.relrowsecurity then 'enabled' else 'disabled' end,
           'forced row level security', case when t.relforcerowsecurity then 'yes' else 'no' end,
           'persistence', case t.relpersistence when 'u' then 'unlogged' else 'logged' end
       ) || g.facts
from tables t
join relation_grants g on g.oid = t.oid
union all
select 'column', 'column ' || t.qualified || '.' || quote_ident(a.attname), 'table ' || t.qualified, t.nspname, t.tracked,
       jsonb_strip_nulls(jsonb_build_object(
           'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
           'nullability', case when a.attnotnull then 'not null' else 'nullable' end,
           'default', case when a.attgenerated = '' then pg_catalog.pg_get_expr(d.adbin, d.adrelid) end,
           'generated as', case when a.attgenerated <> '' then pg_catalog.pg_get_expr(d.adbin, d.adrelid) end,
           'identity', case a.attidentity when 'a' then 'always' when 'd' then 'by default' end,
           'collation', case when a.attcollation <> ty.typcollation then a.attcollation::regcollation::text end
       ))
from tables t
join pg_catalog.pg_attribute a on a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped
join pg_catalog.pg_type ty on ty.oid = a.atttypid
left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
union all
select 'constraint', 'constraint ' || quote_ident(k.conname) || ' on ' || t.qualified, 'table ' || t.qualified, t.nspname, t.tracked,
       jsonb_build_object('definition', pg_catalog.pg_get_constraintdef(k.oid))
from pg_catalog.pg_constraint k
join tables t on t.oid = k.conrelid
where k.contype in ('c', 'f', 'p', 'u', 'x')
union all
select 'index', 'index ' || quote_ident(ix.nspname) || '.' || quote_ident(ix.relname), 'table ' || t.qualified, t.nspname, t.tracked,
       jsonb_build_object('definition', pg_catalog.pg_get_indexdef(ix.oid))
from relations ix
join pg_catalog.pg_index i on i.indexrelid = ix.oid
join tables t on t.oid = i.indrelid
where ix.relkind in ('i', 'I')
  and not exists (select from pg_catalog.pg_constraint k where k.conindid = ix.oid and k.contype in ('p', 'u', 'x'))
union all
select 'policy', 'policy ' || quote_ident(pol.polname) || ' on ' || t.qualified, 'table ' || t.qualified, n.nspname::text, t.tracked,
       jsonb_strip_nulls(jsonb_build_object(
           'command', case pol.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update' when 'd' then 'delete' else 'all' end,
           'as', case when pol.polpermissive then 'permissive' else 'restrictive' end,
           'roles', (select string_agg(case when r = 0 then 'public' else pg_catalog.pg_get_userbyid(r) end, ', '
                                       order by case when r = 0 then 'public' else pg_catalog.pg_get_userbyid(r) end)
                     from unnest(pol.polroles) r),
           'using', pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
           'with check', pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid)
       ))
from pg_catalog.pg_policy pol
join pg_catalog.pg_class c on c.oid = pol.polrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
join lateral (select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as qualified,
                     not (n.nspname like any ($1::text[])) as tracked) t on true
union all
select 'trigger', 'trigger ' || quote_ident(tg.tgname) || ' on ' || t.qualified, 'table ' || t.qualified, n.nspname::text, t.tracked,
       jsonb_build_object(
           'definition', pg_catalog.pg_get_triggerdef(tg.oid),
           'enabled', case tg.tgenabled when 'D' then 'disabled' when 'R' then 'on replica' when 'A' then 'always' else 'enabled' end
       )
from pg_catalog.pg_trigger tg
join pg_catalog.pg_class c on c.oid = tg.tgrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
join lateral (select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as qualified,
                     not (n.nspname like any ($1::text[])) as tracked) t on true
where not tg.tgisinternal
union all
select case when p.prokind = 'p' then 'procedure' else 'function' end,
       'function ' || quote_ident(s.nspname) || '.' || quote_ident(p.proname) || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
       null, s.nspname::text, s.tracked,
       jsonb_strip_nulls(jsonb_build_object(
           'owner', pg_catalog.pg_get_userbyid(p.proowner),
           'returns', pg_catalog.pg_get_function_result(p.oid),
           'language', l.lanname,
           'security', case when p.prosecdef then 'definer' else 'invoker' end,
           'volatility', case p.provolatile when 'i' then 'immutable' when 's' then 'stable' else 'volatile' end,
           'strict', case when p.proisstrict then 'yes' else 'no' end,
           'settings', (select string_agg(setting, ', ' order by setting) from unnest(p.proconfig) setting),
           'body', p.prosrc
       )) || g.facts
from pg_catalog.pg_proc p
join user_schemas s on s.oid = p.pronamespace
join pg_catalog.pg_language l on l.oid = p.prolang
join function_grants g on g.oid = p.oid
where p.prokind in ('f', 'p')
  and not exists (select from extension_members e where e.classid = 'pg_catalog.pg_proc'::regclass and e.objid = p.oid)
union all
select 'view', 'view ' || v.qualified, null, v.nspname, v.tracked,
       jsonb_build_object('definition', pg_catalog.pg_get_viewdef(v.oid))
from relations v
where v.relkind = 'v'
union all
select 'sequence', 'sequence ' || q.qualified, null, q.nspname, q.tracked,
       jsonb_build_object(
           'owner', pg_catalog.pg_get_userbyid(q.relowner),
           'definition', 'as ' || pg_catalog.format_type(sq.seqtypid, null) || ' start ' || sq.seqstart || ' increment ' || sq.seqincrement
               || ' minvalue ' || sq.seqmin || ' maxvalue ' || sq.seqmax || ' cache ' || sq.seqcache
               || case when sq.seqcycle then ' cycle' else ' no cycle' end
       ) || g.facts
from relations q
join pg_catalog.pg_sequence sq on sq.seqrelid = q.oid
join relation_grants g on g.oid = q.oid
where q.relkind = 'S'
  -- Sequences of serial and identity columns: the column's default or identity says it.
  and not exists (select from pg_catalog.pg_depend d
                  where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = q.oid and d.deptype in ('a', 'i'))
union all
select case ty.typtype when 'e' then 'enum type' else 'type' end,
       'type ' || quote_ident(s.nspname) || '.' || quote_ident(ty.typname), null, s.nspname::text, s.tracked,
       jsonb_build_object(
           case ty.typtype when 'e' then 'values' else 'attributes' end,
           case ty.typtype
               when 'e' then (select string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder)
                              from pg_catalog.pg_enum e where e.enumtypid = ty.oid)
               else (select string_agg(quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum)
                     from pg_catalog.pg_attribute a where a.attrelid = ty.typrelid and a.attnum > 0 and not a.attisdropped)
           end
       )
from pg_catalog.pg_type ty
join user_schemas s on s.oid = ty.typnamespace
left join pg_catalog.pg_class c on c.oid = ty.typrelid
where (ty.typtype = 'e' or (ty.typtype = 'c' and c.relkind = 'c'))
  and not exists (select from extension_members e where e.classid = 'pg_catalog.pg_type'::regclass and e.objid = ty.oid)
order by 2;
