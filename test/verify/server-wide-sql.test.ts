import { afterAll, describe, expect, it } from 'vitest';
import { repoChangesServerState } from '../../src/verify/database/server-wide-sql.js';
import { Cleanups } from '../../src/verify/cleanup.js';
import { availableParallelism } from 'node:os';
import { databaseProviderFor, embeddedProvider } from '../../src/verify/database/provider.js';
import type { VerifyOptions } from '../../src/verify/types.js';
import { copyRepo, generatedRepo, removeTempDirs, writeRepoFile } from './helpers/repo.js';
import { repoSqlAt } from '../helpers/repo-sql.js';

const DB_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

afterAll(removeTempDirs);

/**
 * `verify --db-url` runs the grant modes side by side unless the repo's SQL changes what the
 * server's databases share (roles): then one after the other, as two modes would race on it.
 */
describe('grant modes side by side', () => {
  it("a generated repo's SQL leaves the server's shared state alone: its modes run side by side", async () => {
    expect(await repoChangesServerState(await repoSqlAt(await generatedRepo()))).toBe(false);
  });

  it.each([
    [
      'a role created behind a guard',
      "do $$ begin if not exists (select from pg_roles where rolname = 'app_reader') then create role app_reader nologin; end if; end $$;",
    ],
    ['a membership granted', 'grant authenticated to app_reader;'],
    ['a membership revoked', 'revoke "authenticated" from app_reader;'],
    ['a role setting', "alter role authenticator set statement_timeout = '8s';"],
    ['a user dropped', 'drop user if exists legacy_app;'],
    // What looks like a comment inside a string, an E'' string or a dollar quote is no comment.
    ["a role created after a string holding '--'", "select '--'; create role app_reader nologin;"],
    ["a role created after a comment holding '--'", "comment on table public.users is 'a -- b'; create role app_reader nologin;"],
    ["a role created between strings holding '/*' and '*/'", "select '/*'; create role app_reader nologin; select '*/';"],
    ["a role created after an E'' string with an escaped quote", "select E'it\\'s -- no comment'; create role app_reader nologin;"],
    ["a role created after a dollar quote holding '--'", 'select $$--$$; create role app_reader nologin;'],
    // A routine that creates roles may be called by a later statement or file: conservative.
    [
      'a role created in a function body that is only defined',
      'create function public.make_reader() returns void language plpgsql as $$ begin create role app_reader nologin; end $$;',
    ],
  ])('%s: the modes run one after the other', async (_label, sql) => {
    const repo = await copyRepo(await generatedRepo(), 'server-wide');
    await writeRepoFile(repo, 'supabase/migrations/00009_roles.sql', `${sql}\n`);
    expect(await repoChangesServerState(await repoSqlAt(repo))).toBe(true);
  });

  it.each([
    [
      "privileges on objects are the database's own",
      'grant select on table public.users to anon;\nrevoke execute on function public.handle_new_user() from public;\ngrant usage on schema public to authenticated;',
    ],
    [
      'role statements in comments only',
      "-- later: create role app_reader; grant authenticated to app_reader;\n/* drop user legacy_app; 'quoted' */\nselect 1;",
    ],
  ])('%s: side by side', async (_label, sql) => {
    const repo = await copyRepo(await generatedRepo(), 'database-only');
    await writeRepoFile(repo, 'supabase/migrations/00009_database_only.sql', `${sql}\n`);
    expect(await repoChangesServerState(await repoSqlAt(repo))).toBe(false);
  });

  it('the --db-url provider asks that question of the repo it verifies', async () => {
    const options = (root: string): VerifyOptions => ({
      root,
      dbUrl: DB_URL,
      grants: ['legacy', 'current'],
      skip: [],
      strict: false,
      advisors: 'warn',
      python: null,
    });
    const plain = await generatedRepo();
    const withRole = await copyRepo(plain, 'provider-roles');
    await writeRepoFile(withRole, 'supabase/migrations/00009_roles.sql', 'create role app_reader nologin;\n');
    const cleanups = new Cleanups();
    const asked = { ownDatabases: false };
    expect(await databaseProviderFor(options(plain), cleanups, await repoSqlAt(plain)).concurrentModes?.(asked)).toBe(true);
    expect(await databaseProviderFor(options(withRole), cleanups, await repoSqlAt(withRole)).concurrentModes?.(asked)).toBe(false);
    // The embedded engine runs the modes side by side only when each has an engine of its own,
    // and the machine a core for each: whatever the repo's SQL.
    const embedded = databaseProviderFor({ ...options(withRole), dbUrl: null }, cleanups, await repoSqlAt(withRole));
    expect(await embedded.concurrentModes?.(asked)).toBe(false);
    // This machine: two cores or more and gigabytes of memory (CI's as well).
    expect(await embedded.concurrentModes?.({ ownDatabases: true })).toBe(availableParallelism() >= 2);
    expect(
      await embeddedProvider(undefined, undefined, undefined, { cores: 2, memoryBytes: 2 ** 30 }).concurrentModes?.({ ownDatabases: true }),
    ).toBe(false);
    expect(
      await embeddedProvider(undefined, undefined, undefined, { cores: 1, memoryBytes: 4 * 2 ** 30 }).concurrentModes?.({
        ownDatabases: true,
      }),
    ).toBe(false);
    expect(
      await embeddedProvider(undefined, undefined, undefined, { cores: 2, memoryBytes: 4 * 2 ** 30 }).concurrentModes?.({
        ownDatabases: true,
      }),
    ).toBe(true);
  });
});
