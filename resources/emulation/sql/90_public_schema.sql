-- Schema-level access every project has on `public`, whatever the grant mode.
grant usage on schema public to postgres, anon, authenticated, service_role;
