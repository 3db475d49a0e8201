-- extension_in_public, and extension_versions_outdated (an older version than the default)
create extension citext schema public;
create extension pg_trgm version '1.5' schema extensions;

-- insecure_queue_exposed_in_api: a pgmq queue table without RLS, API selectable, with
-- pgmq_public exposed
create table pgmq.q_emails (msg_id bigint primary key, message jsonb);
grant usage on schema pgmq to anon;
grant select on pgmq.q_emails to anon;

-- public_bucket_allows_listing: a public bucket with a select policy admitting all its objects;
-- not: a private bucket, or a policy that limits the rows to their owner.
insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true), ('invoices', 'invoices', false), ('docs', 'docs', true);
create policy avatars_list on storage.objects for select using (bucket_id = 'avatars');
create policy invoices_list on storage.objects for select to authenticated using (bucket_id = 'invoices');
create policy docs_own on storage.objects for select to authenticated using (bucket_id = 'docs' and owner = (select auth.uid()));

-- table_bloat: a table that held a million rows and now holds one in a thousand, spread over
-- every page so vacuum cannot truncate it; analyzed so the planner statistics know.
create table public.churned (id int primary key);
alter table public.churned enable row level security;
create policy churned_read on public.churned for select to authenticated using (true);
insert into public.churned select generate_series(1, 1000000);
delete from public.churned where id % 1000 <> 0;
analyze public.churned;
