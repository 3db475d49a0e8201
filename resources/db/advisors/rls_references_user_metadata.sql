-- Policies reading user_metadata from the JWT, which users can edit themselves. Textual, as
-- Supabase's: auth.jwt() or the request.jwt.claims setting followed by user_metadata.
with policy as (
  select n.nspname::text as schema_name, c.relname::text as table_name, p.polname::text as policy_name,
         coalesce(pg_catalog.pg_get_expr(p.polqual, p.polrelid), '') as qual,
         coalesce(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), '') as with_check
    from pg_catalog.pg_policy p
    join pg_catalog.pg_class c on c.oid = p.polrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname <> all(:managed_schemas)
)
select format('rls_references_user_metadata_%s_%s_%s', schema_name, table_name, policy_name) as cache_key,
       'table' as object_type, schema_name, table_name as object_name,
       format('%I.%I policy "%s"', schema_name, table_name, policy_name) as object,
       format('Table `%s.%s` has a row level security policy `%s` that references Supabase Auth `user_metadata`. `user_metadata` is editable by end users and should never be used in a security context.',
              schema_name, table_name, policy_name) as detail
  from policy
 where exists (select from unnest(array[qual, with_check]) as e(expr)
                where e.expr like '%auth.jwt()%user_metadata%'
                   or e.expr like '%current_setting(%request.jwt.claims%)%user_metadata%')
