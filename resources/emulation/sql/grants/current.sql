-- The 2026 defaults, as the CLI applies them (`[api] auto_expose_new_tables = false`): from the
-- platform's grant-all defaults, data access is revoked from the API roles. TRUNCATE,
-- REFERENCES and TRIGGER on tables, and UPDATE on sequences, stay granted.
alter default privileges for role postgres in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema public revoke select, insert, update, delete on tables from anon, authenticated, service_role;
alter default privileges for role postgres in schema public revoke usage, select on sequences from anon, authenticated, service_role;
alter default privileges for role postgres in schema public revoke execute on functions from anon, authenticated, service_role;
