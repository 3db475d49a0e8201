-- The embedded engine only (run once, at image build, before the numbered files).
-- PGlite's bootstrap superuser is named `postgres` and cannot be demoted. As on Supabase, the
-- bootstrap superuser becomes `supabase_admin`, and a `postgres` without superuser rights is
-- created by 00_roles.sql. A role cannot rename itself, so a temporary superuser does it.
create role emulation_bootstrap superuser;
set session authorization emulation_bootstrap;
alter role postgres rename to supabase_admin;
set session authorization supabase_admin;
drop role emulation_bootstrap;
