-- security_definer_view: selectable by anon; not: an invoker view, and a definer view no API
-- role can select (Supabase: no finding).
create view public.definer_view as select id from public.notes;
grant select on public.definer_view to anon;
create view public.invoker_view with (security_invoker = on) as select id from public.notes;
grant select on public.invoker_view to anon;
create view public.private_definer_view as select id from public.notes;
create view api.api_definer_view as select id from public.notes;
grant select on api.api_definer_view to authenticated;

-- auth_users_exposed: a definer view, an invoker view over auth.users (which has no RLS), and a
-- materialized view (also materialized_view_in_api).
create view public.user_emails as select id, email from auth.users;
grant select on public.user_emails to anon;
create view public.user_emails_invoker with (security_invoker = true) as select id, email from auth.users;
grant select on public.user_emails_invoker to authenticated;
create materialized view public.user_directory as select id, email from auth.users;
grant select on public.user_directory to authenticated;

-- materialized_view_in_api
create materialized view public.note_counts as select user_id, count(*) as n from public.notes group by user_id;
grant select on public.note_counts to anon;

-- foreign_table_in_api: a wrapper without handler is enough for the catalog
create foreign data wrapper corpus_wrapper;
create server corpus_server foreign data wrapper corpus_wrapper;
create foreign table public.remote_things (id int) server corpus_server;
grant select on public.remote_things to authenticated;

-- function_search_path_mutable (a function and a procedure); not: one with its search_path set
create function public.mutable_fn(x int) returns int language sql as $$ select x $$;
create procedure public.mutable_proc() language sql as $$ select 1 $$;
create function public.pinned_fn() returns int language sql set search_path = '' as $$ select 1 $$;

-- anon_ and authenticated_security_definer_function_executable: executable through the PUBLIC
-- default grant; one for authenticated only; not: one revoked from everyone.
create function public.definer_fn() returns int language sql security definer set search_path = '' as $$ select 1 $$;
create function public.definer_for_users() returns int language sql security definer set search_path = '' as $$ select 1 $$;
revoke execute on function public.definer_for_users() from public, anon;
grant execute on function public.definer_for_users() to authenticated;
create function public.definer_locked() returns int language sql security definer set search_path = '' as $$ select 1 $$;
revoke execute on function public.definer_locked() from public, anon, authenticated;
