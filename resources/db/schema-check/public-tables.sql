-- The tables in public, whether RLS is on, and whether anon or authenticated holds a privilege on
-- them (the API reaches them).
select c.relname::text as table_name, c.relrowsecurity as rls_enabled,
       exists (select from pg_roles r
                where r.rolname in ('anon', 'authenticated')
                  and has_table_privilege(r.oid, c.oid, 'select, insert, update, delete')) as api_reachable
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where n.nspname = 'public' and c.relkind in ('r', 'p')
 order by 1;
