-- Every named object user SQL can define outside the system schemas, one row each:
-- kind (as the report names it), the key two objects collide on, and a display name.
-- Relations, indexes, sequences and types share a namespace per schema; functions collide by
-- name (a `create or replace` of the same signature replaces, another signature overloads);
-- triggers and policies by name on their table. `parent` is the table an index, trigger or
-- policy belongs to (a conflict on the table says it all). `ident` is the object's own name.
-- $1: null for every object, else only the objects whose own name is in the list (looked up
-- by name, so the cost does not grow with the objects the catalog holds).
with user_schemas as (
    select oid, nspname
    from pg_catalog.pg_namespace
    where nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
      and nspname not like 'pg_temp_%'
      and nspname not like 'pg_toast_temp_%'
)
select
    case c.relkind
        when 'r' then 'table' when 'p' then 'table' when 'v' then 'view' when 'm' then 'materialized view'
        when 'f' then 'foreign table' when 'S' then 'sequence' when 'i' then 'index' when 'I' then 'index'
        else 'relation'
    end as kind,
    'relation ' || quote_ident(s.nspname) || '.' || quote_ident(c.relname) as key,
    c.relname::text as ident,
    quote_ident(s.nspname) || '.' || quote_ident(c.relname) as name,
    (select 'relation ' || quote_ident(ts.nspname) || '.' || quote_ident(t.relname)
     from pg_catalog.pg_index i
     join pg_catalog.pg_class t on t.oid = i.indrelid
     join pg_catalog.pg_namespace ts on ts.oid = t.relnamespace
     where i.indexrelid = c.oid) as parent
from pg_catalog.pg_class c
join user_schemas s on s.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S', 'i', 'I')
  and ($1::text[] is null or c.relname = any($1::text[]))
union all
select
    case t.typtype when 'e' then 'enum type' when 'd' then 'domain' else 'type' end,
    'relation ' || quote_ident(s.nspname) || '.' || quote_ident(t.typname),
    t.typname::text,
    quote_ident(s.nspname) || '.' || quote_ident(t.typname),
    null
from pg_catalog.pg_type t
join user_schemas s on s.oid = t.typnamespace
where t.typrelid = 0 and t.typelem = 0 and t.typtype in ('b', 'e', 'd', 'r', 'm', 'c')
  and ($1::text[] is null or t.typname = any($1::text[]))
union all
select distinct
    'function',
    'function ' || quote_ident(s.nspname) || '.' || quote_ident(p.proname),
    p.proname::text,
    quote_ident(s.nspname) || '.' || quote_ident(p.proname) || '()',
    null
from pg_catalog.pg_proc p
join user_schemas s on s.oid = p.pronamespace
where $1::text[] is null or p.proname = any($1::text[])
union all
select
    'trigger',
    'trigger ' || quote_ident(tg.tgname) || ' on ' || quote_ident(s.nspname) || '.' || quote_ident(c.relname),
    tg.tgname::text,
    quote_ident(tg.tgname) || ' on ' || quote_ident(s.nspname) || '.' || quote_ident(c.relname),
    'relation ' || quote_ident(s.nspname) || '.' || quote_ident(c.relname)
from pg_catalog.pg_trigger tg
join pg_catalog.pg_class c on c.oid = tg.tgrelid
join user_schemas s on s.oid = c.relnamespace
where not tg.tgisinternal
  and ($1::text[] is null or tg.tgname = any($1::text[]))
union all
select
    'policy',
    'policy ' || quote_ident(pol.polname) || ' on ' || quote_ident(s.nspname) || '.' || quote_ident(c.relname),
    pol.polname::text,
    quote_ident(pol.polname) || ' on ' || quote_ident(s.nspname) || '.' || quote_ident(c.relname),
    'relation ' || quote_ident(s.nspname) || '.' || quote_ident(c.relname)
from pg_catalog.pg_policy pol
join pg_catalog.pg_class c on c.oid = pol.polrelid
join user_schemas s on s.oid = c.relnamespace
where $1::text[] is null or pol.polname = any($1::text[])
order by 2;
