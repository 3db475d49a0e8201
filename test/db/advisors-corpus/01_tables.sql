-- Tables and foreign keys. unindexed_foreign_keys: an FK with no index; a composite FK whose
-- index has its columns in the other order (Supabase: unindexed); a composite FK covered in order.
create table public.parent (id int primary key, a int not null, b int not null, unique (a, b));
alter table public.parent enable row level security;
create policy parent_read on public.parent for select to authenticated using (true);

create table public.child_plain (id int primary key, parent_id int references public.parent (id));
create table public.child_reversed (id int primary key, a int, b int, foreign key (a, b) references public.parent (a, b));
create index child_reversed_b_a on public.child_reversed (b, a);
create table public.child_covered (id int primary key, a int, b int, foreign key (a, b) references public.parent (a, b));
create index child_covered_a_b_id on public.child_covered (a, b, id);
alter table public.child_plain enable row level security;
alter table public.child_reversed enable row level security;
alter table public.child_covered enable row level security;

-- no_primary_key
create table public.no_key (value text);
alter table public.no_key enable row level security;
create policy no_key_read on public.no_key for select to authenticated using (true);

-- unused_index (a plain index nothing has scanned) and duplicate_index (same definition twice)
create table public.indexed (id int primary key, name text, created_at timestamptz);
alter table public.indexed enable row level security;
create policy indexed_read on public.indexed for select to authenticated using (true);
create index indexed_name on public.indexed (name);
create index indexed_name_again on public.indexed (name);
create index indexed_created_desc on public.indexed (created_at desc);
create index indexed_created on public.indexed (created_at);

-- rls_enabled_no_policy
create table public.locked_away (id int primary key);
alter table public.locked_away enable row level security;

-- policy_exists_rls_disabled
create table public.forgotten (id int primary key, user_id uuid);
create policy forgotten_own on public.forgotten for select to authenticated using (user_id = (select auth.uid()));

-- rls_disabled_in_public: granted to anon; and a table without RLS no API role can reach
-- (the 2026 grant defaults): Supabase reports only the first.
create table public.open_to_anon (id int primary key);
grant select on public.open_to_anon to anon;
create table public.unreachable (id int primary key);

-- sensitive_columns_exposed: no RLS, selectable by authenticated, credential columns
create table public.accounts (id int primary key, password text, "API-Key" text, nickname text);
grant select on public.accounts to authenticated;

-- unsupported_reg_types
create table public.hooks (id int primary key, handler regproc, checked regclass);
alter table public.hooks enable row level security;
create policy hooks_read on public.hooks for select to authenticated using (true);

-- fkey_to_auth_unique: onto auth.users' email unique constraint (the id primary key is fine)
create table public.profiles (id uuid primary key references auth.users (id), email text references auth.users (email));
create index profiles_email on public.profiles (email);
alter table public.profiles enable row level security;
create policy profiles_own on public.profiles for select to authenticated using (id = (select auth.uid()));
