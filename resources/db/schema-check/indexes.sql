-- Valid, non-partial indexes in public (unique constraints' included): those that serve every
-- row. Key columns in order; '' for an expression.
select c.relname::text as table_name,
       array(select coalesce(a.attname::text, '')
               from unnest(i.indkey::int2[]) with ordinality as k(attnum, position)
               left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
              where k.position <= i.indnkeyatts
              order by k.position) as columns
  from pg_index i
  join pg_class c on c.oid = i.indrelid
  join pg_namespace n on n.oid = c.relnamespace
 where n.nspname = 'public' and i.indisvalid and i.indpred is null;
