-- Tables, views and materialized views anon may select, when pg_graphql is installed: their
-- names, columns and relationships are visible to anyone through /graphql/v1 introspection.
with exposed as (
  select n.nspname::text as schema_name, c.relname::text as object_name,
         case c.relkind when 'r' then 'table' when 'p' then 'table' when 'v' then 'view' when 'm' then 'materialized view' end as kind
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p', 'v', 'm')
     and pg_catalog.has_table_privilege('anon', c.oid, 'select')
     and exists (select from pg_catalog.pg_extension where extname = 'pg_graphql')
     and n.nspname <> all(:managed_schemas)
)
select format('pg_graphql_anon_table_exposed_%s_%s', schema_name, object_name) as cache_key,
       kind as object_type, schema_name, object_name,
       format('%I.%I', schema_name, object_name) as object,
       format('Extension `pg_graphql` is installed and the `anon` role has `SELECT` on %s `%s.%s`. Its name, columns, and relationships are visible via the public `/graphql/v1` introspection endpoint.',
              kind, schema_name, object_name) as detail
  from exposed
