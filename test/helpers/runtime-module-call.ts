/**
 * A migration calling pgcrypto's crypt by a name assembled at run time: the scan of the SQL for
 * module calls cannot see it, so an engine loads pgcrypto's module only if something else asks.
 */
export const RUNTIME_CALL = `do $$
declare hashed text;
begin
  execute format('select extensions.%I(%L, %L)', 'cry' || 'pt', 'secret', '$1$abcdefgh') into hashed;
  if hashed is null or hashed not like '$1$abcdefgh$%' then
    raise exception 'unexpected hash %', hashed;
  end if;
end
$$;
`;
