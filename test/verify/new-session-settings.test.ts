import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyRepo, generatedRepo, removeTempDirs, runVerifyJson, statusesOf, writeRepoFile } from './helpers/repo.js';

afterAll(removeTempDirs);

const DB_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A trigger that stamps a note with the signed-in user, reading the JWT claims as JSON. */
const NOTES = `create table public.notes (
  id bigint generated always as identity primary key,
  body text not null,
  created_by uuid
);
alter table public.notes enable row level security;

create function public.stamp_note_author() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.created_by := (current_setting('request.jwt.claims', true)::jsonb ->> 'sub')::uuid;
  return new;
end;
$$;

create trigger stamp_note_author before insert on public.notes
  for each row execute function public.stamp_note_author();
`;

const NO_CLAIMS_TEST = `begin;
select plan(2);
select is(current_setting('request.jwt.claims', true), null, 'a new session has no claims');
select is((select created_by from public.notes where body = 'welcome'), null, 'the seeded note has no author');
select * from finish();
rollback;
`;

/**
 * The CLI seeds on a connection that ran only the migrations, and pg_prove runs each test file in
 * a new session: there an unset custom setting reads NULL. The rls check acts as the API roles in
 * the mode's session before the seed, setting request.jwt.claims, which a session then keeps for
 * good ('' once its transaction ends, not JSON): the seed and the test files must not see that.
 */
describe.each([
  ['embedded', []],
  ['--db-url', ['--db-url', DB_URL]],
])('the seed and the pgTAP files see no JWT claims the checks before them set (%s)', (_engine, extra) => {
  it('pass, as with the Supabase CLI', async () => {
    const repo = await copyRepo(await generatedRepo(), 'new-session-settings');
    await writeRepoFile(repo, 'supabase/migrations/00003_notes.sql', NOTES);
    await writeRepoFile(repo, 'supabase/tests/database/00_no_claims.test.sql', NO_CLAIMS_TEST);
    const seed = await readFile(path.join(repo, 'supabase', 'seed.sql'), 'utf8');
    await writeRepoFile(repo, 'supabase/seed.sql', `${seed}\ninsert into public.notes (body) values ('welcome');\n`);
    const { exitCode, report } = await runVerifyJson(['04', repo, '--skip', 'typescript,python', ...extra]);
    expect(statusesOf(report)).toMatchObject({ migrations: 'pass', rls: 'pass', seed: 'pass', pgtap: 'pass' });
    expect(exitCode).toBe(0);
  });
});
