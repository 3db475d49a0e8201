-- Tables whose pages hold far more than their live rows need: more than 70 times the estimated
-- size and over 20 MiB wasted. The estimate comes from the planner statistics (pg_stats): a row
-- is its header (23 bytes, aligned to 4) plus a null bitmap when columns have nulls plus the
-- average widths of its values, and a page offers the block size less 20 bytes.
with setting as (
  select pg_catalog.current_setting('block_size')::numeric as block_size, 23 as header, 4 as align
),
row_shape as (
  select s.schemaname, s.tablename,
         sum((1 - s.null_frac) * s.avg_width) as data_width,
         max(s.null_frac) as max_null_frac,
         count(*) filter (where s.null_frac <> 0) as nullable_columns
    from pg_catalog.pg_stats s
   group by s.schemaname, s.tablename
),
row_size as (
  select r.schemaname, r.tablename, st.block_size, st.align,
         (r.data_width + st.header + st.align
           - (case when st.header % st.align = 0 then st.align else st.header % st.align end))::numeric as data_and_header,
         r.max_null_frac * ((st.header + 1 + r.nullable_columns / 8) + st.align
           - (case when (st.header + 1 + r.nullable_columns / 8) % st.align = 0 then st.align
                   else (st.header + 1 + r.nullable_columns / 8) % st.align end)) as null_header
    from row_shape r cross join setting st
),
estimate as (
  select n.nspname::text as schema_name, c.relname::text as table_name, c.relpages, z.block_size,
         ceil(c.reltuples * ((z.data_and_header + z.align
           - (case when z.data_and_header % z.align = 0 then z.align else z.data_and_header % z.align end))
           + z.null_header + 4) / (z.block_size - 20::float)) as expected_pages
    from row_size z
    join pg_catalog.pg_namespace n on n.nspname = z.schemaname and n.nspname <> 'information_schema'
    join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = z.tablename
   where c.relkind = 'r' and c.relam = (select oid from pg_catalog.pg_am where amname = 'heap')
)
select format('table_bloat_%s_%s', schema_name, table_name) as cache_key,
       'table' as object_type, schema_name, table_name as object_name,
       format('%I.%I', schema_name, table_name) as object,
       format('Table `%s`.`%s` has excessive bloat', schema_name, table_name) as detail
  from estimate
 where expected_pages > 0
   and round(relpages / expected_pages::numeric, 1) > 70.0
   and relpages > expected_pages
   and (block_size * (relpages - expected_pages)::bigint)::bigint > 20 * 1024 * 1024
