import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, copyRepo, failingChecks, generatedRepo, removeTempDirs, runVerifyJson, writeRepoFile } from './helpers/repo.js';

/**
 * On the embedded engine the grant modes share one engine, each mode in a transaction that is
 * rolled back. Migrations whose effect depends on their own transaction ending must still be
 * judged as the Supabase CLI applies them: each file in a transaction of its own.
 */
let good: string;

beforeAll(async () => {
  good = await generatedRepo();
});

afterAll(removeTempDirs);

const DB_ONLY = ['--skip', 'typescript,python'];

describe('migrations that depend on their transaction ending', () => {
  it('a file with its own begin and commit applies, in both grant modes', async () => {
    const repo = await copyRepo(good, 'own-transaction');
    await writeRepoFile(
      repo,
      'supabase/migrations/00003_job_notes.sql',
      "begin;\ncomment on table public.jobs is 'Background work of a user';\ncommit;\n",
    );
    const { exitCode, report } = await runVerifyJson(['04', repo, ...DB_ONLY]);
    expect(failingChecks(report)).toEqual([]);
    expect(exitCode).toBe(0);
    for (const name of ['migrations', 'schema', 'rls', 'advisors', 'seed']) expect(check(report, name).status).toBe('pass');
  });

  it('an enum value used in the file that adds it fails as on Supabase, file and line named', async () => {
    const repo = await copyRepo(good, 'enum-value');
    await writeRepoFile(repo, 'supabase/migrations/00003_colors.sql', "create type public.color as enum ('red');\n");
    const file = 'supabase/migrations/00004_more_colors.sql';
    await writeRepoFile(repo, file, "alter type public.color add value 'blue';\n\nselect 'blue'::public.color;\n");
    const { exitCode, report } = await runVerifyJson(['04', repo, ...DB_ONLY]);
    expect(exitCode).toBe(1);
    expect(failingChecks(report)).toEqual(['migrations']);
    const migrations = check(report, 'migrations');
    expect(migrations.reason).toBe(`${file} does not apply`);
    expect(migrations.findings).toHaveLength(1);
    expect(migrations.findings[0]).toMatchObject({ location: { file, line: 3 } });
    expect(migrations.findings[0]!.message).toMatch(/unsafe use of new value "blue"/);
  });

  it('a deferred foreign key broken by a migration fails when its file ends', async () => {
    const repo = await copyRepo(good, 'deferred-key');
    const file = 'supabase/migrations/00003_links.sql';
    await writeRepoFile(
      repo,
      file,
      [
        'create table public.link_targets (id int primary key);',
        'alter table public.link_targets enable row level security;',
        'create table public.links (target int references public.link_targets deferrable initially deferred);',
        'alter table public.links enable row level security;',
        'create index on public.links (target);',
        'insert into public.links values (1);',
        '',
      ].join('\n'),
    );
    const { exitCode, report } = await runVerifyJson(['04', repo, ...DB_ONLY]);
    expect(exitCode).toBe(1);
    expect(failingChecks(report)).toEqual(['migrations']);
    expect(check(report, 'migrations').reason).toBe(`${file} does not apply`);
    expect(check(report, 'migrations').findings[0]!.message).toMatch(/links_target_fkey/);
  });

  it('a transaction-local setting made by set_config ends with its file, as on Supabase', async () => {
    // Function bodies go unchecked for the rest of the file's transaction only.
    const repo = await copyRepo(good, 'local-setting');
    await writeRepoFile(
      repo,
      'supabase/migrations/00003_unchecked.sql',
      "select pg_catalog.set_config('check_function_bodies', 'off', true);\n",
    );
    const file = 'supabase/migrations/00004_counts.sql';
    await writeRepoFile(
      repo,
      file,
      "-- counts\ncreate function public.missing_count() returns bigint\nlanguage sql set search_path = '' as $$ select count(*) from public.missing $$;\n",
    );
    const { exitCode, report } = await runVerifyJson(['04', repo, ...DB_ONLY]);
    expect(exitCode).toBe(1);
    expect(failingChecks(report)).toEqual(['migrations']);
    expect(check(report, 'migrations').reason).toBe(`${file} does not apply`);
    expect(check(report, 'migrations').findings[0]!.message).toMatch(/relation "public.missing" does not exist/);
  });
});
