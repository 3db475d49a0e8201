-- The schema Supabase's default config.toml exposes besides public comes with the project (the
-- emulation's graphql_public, with its placeholder function): only public gets a table here.
create table public.notes (id bigint generated always as identity primary key, body text not null);
