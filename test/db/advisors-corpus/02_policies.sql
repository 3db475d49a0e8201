create table public.notes (id int primary key, user_id uuid not null, body text);
create index notes_user_id on public.notes (user_id);
alter table public.notes enable row level security;

-- auth_rls_initplan: a bare call, a call in a correlated subquery, a bare current_setting();
-- not: calls wrapped in their own select. A select around an expression containing the call,
-- (select auth.jwt() ->> 'aal'), is reported by Supabase's textual match.
create policy initplan_bare on public.notes for select to authenticated using (user_id = auth.uid());
create policy initplan_correlated on public.notes for update to authenticated
  using (exists (select 1 from public.notes n where n.id = notes.id and n.user_id = auth.uid()));
create policy initplan_setting on public.notes for delete to authenticated
  using (user_id::text = current_setting('request.jwt.claim.sub', true));
create policy initplan_wrapped on public.notes for insert to authenticated
  with check (user_id = (select auth.uid()) and ((select auth.jwt()) ->> 'aal') = 'aal2');
create policy initplan_expression on public.notes for insert to anon
  with check ((select auth.jwt() ->> 'aal') = 'aal2');

-- multiple_permissive_policies: two for authenticated on select (initplan_bare and this one);
-- a restrictive one is not counted; two `to public` update policies are reported per role.
create policy notes_all_select on public.notes for select to authenticated using (user_id = (select auth.uid()));
create policy notes_restrictive on public.notes as restrictive for select to authenticated using (true);
create table public.shared (id int primary key, owner uuid);
alter table public.shared enable row level security;
create policy shared_update_owner on public.shared for update using (owner = (select auth.uid()));
create policy shared_update_admin on public.shared for update using ((select auth.jwt()) ->> 'role' = 'admin');

-- rls_references_user_metadata
create policy notes_admins on public.notes for delete to authenticated
  using (((select auth.jwt()) -> 'user_metadata' ->> 'role') = 'admin');

-- rls_policy_always_true: update to public using (true); insert with check (true); delete
-- using (1 = 1); not: select using (true), the usual public read.
create table public.board (id int primary key, body text);
alter table public.board enable row level security;
create policy board_read on public.board for select using (true);
create policy board_update on public.board for update using (true);
create policy board_insert on public.board for insert to anon with check (true);
create policy board_delete on public.board for delete to authenticated using (1 = 1);
