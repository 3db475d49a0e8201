-- The triggers on tables in public and auth, and their functions. tgtype bits (pg_trigger.h):
-- 1 row, 2 before, 4 insert, 8 delete, 16 update.
select n.nspname::text as schema_name, c.relname::text as table_name, t.tgname::text as trigger_name,
       (t.tgtype & 1) <> 0 as row_level, (t.tgtype & 2) <> 0 as before,
       (t.tgtype & 4) <> 0 as on_insert, (t.tgtype & 16) <> 0 as on_update, (t.tgtype & 8) <> 0 as on_delete,
       t.tgenabled <> 'D' as enabled,
       pn.nspname || '.' || p.proname as function_name, p.prosrc as function_source,
       p.prosecdef as security_definer,
       exists (select from unnest(coalesce(p.proconfig, '{}')) as setting where setting like 'search_path=%') as pins_search_path
  from pg_trigger t
  join pg_class c on c.oid = t.tgrelid
  join pg_namespace n on n.oid = c.relnamespace
  join pg_proc p on p.oid = t.tgfoid
  join pg_namespace pn on pn.oid = p.pronamespace
 where not t.tgisinternal and n.nspname in ('public', 'auth');
