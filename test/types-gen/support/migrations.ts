/** Migrations in the style the generator writes: they need the Supabase stand-in (auth, extensions). */
export const INIT_MIGRATION = {
  name: '00001_init.sql',
  sql: `
create extension if not exists "uuid-ossp" with schema extensions;

create table public.users (
  id uuid primary key references auth.users(id) on delete cascade,
  email text,
  subscription_tier text not null default 'free'
    check (subscription_tier in ('free', 'pro', 'studio', 'enterprise')),
  created_at timestamptz not null default now()
);

create table public.jobs (
  id uuid primary key default uuid_generate_v4(), -- unqualified, as on Supabase
  user_id uuid not null references public.users(id) on delete cascade,
  status text not null default 'queued' check (status in ('queued', 'processing', 'completed', 'failed')),
  parameters jsonb,
  progress integer not null default 0 check (progress between 0 and 100)
);
create index jobs_user_id_idx on public.jobs(user_id);

alter table public.users enable row level security;
alter table public.jobs enable row level security;
grant select on public.users to authenticated;
grant select, insert on public.jobs to authenticated;
`,
};

export const ADD_COLUMN_MIGRATION = {
  name: '00002_nickname.sql',
  sql: `alter table public.users add column nickname text;\n`,
};
