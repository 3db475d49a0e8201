-- Tables, views, materialized views and foreign tables of which authenticated may select any
-- column, when pg_graphql is installed: visible to every signed-up user through /graphql/v1
-- introspection. pg_graphql shows leaf partitions, not partitioned parents.
with exposed as (
  select n.nspname::text as schema_name, c.relname::text as object_name,
         case c.relkind when 'r' then 'table' when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' end as kind
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'v', 'm', 'f')
     and exists (select from pg_catalog.pg_attribute a
                where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                  and pg_catalog.has_column_privilege('authenticated', c.oid, a.attnum, 'select'))
     and exists (select from pg_catalog.pg_extension where extname = 'pg_graphql')
     and n.nspname <> all(:managed_schemas)
)
select format('pg_graphql_authenticated_table_exposed_%s_%s', schema_name, object_name) as cache_key,
       kind as object_type, schema_name, object_name,
       format('%I.%I', schema_name, object_name) as object,
       format('Extension `pg_graphql` is installed and the `authenticated` role has `SELECT` on %s `%s.%s`. Its name, columns, and relationships are visible via the `/graphql/v1` introspection endpoint to any signed-up user.',
              kind, schema_name, object_name) as detail
  from exposed
