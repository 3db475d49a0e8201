-- Run at the end of a migration file's transaction, before it commits: fails the file when it
-- leaves the session as other roles than it started as (their names, as literals, are filled in
-- below), so the file rolls back and the roles it set go with it. The roles it left are the
-- error's detail, as a JSON array [session user, current user].
do $identity_guard$
begin
  if session_user::text is distinct from (:session_name) or current_user::text is distinct from (:current_name) then
    raise exception 'the file changed the session''s role'
      using errcode = 'CS001', detail = pg_catalog.json_build_array(session_user::text, current_user::text)::text;
  end if;
end
$identity_guard$
