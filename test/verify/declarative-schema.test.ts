import { execa } from 'execa';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, repoRoot } from '../helpers/fixtures.js';
import { ADMIN_URL } from '../helpers/db-postgres.js';
import { check, copyRepo, editRepoFile, removeTempDirs, runVerifyJson, tempDir } from './helpers/repo.js';

/**
 * A repo that keeps its schema in supabase/schemas (the declarative-schema fixture) with the
 * phase appended: its schema files and its migrations must make the same database, which the
 * migrations check proves by applying each on a fresh emulated database of its own and comparing
 * the catalogs; every difference is what the next `supabase db diff` would turn into a migration.
 */
let repo: string;

beforeAll(async () => {
  repo = await tempDir('declarative');
  await cp(path.join(fixturesDir, 'declarative-schema'), repo, { recursive: true });
  const generated = await execa(
    process.execPath,
    [path.join(repoRoot, 'bin', 'create-saas-db.js'), repo, '--yes', '--no-install', '--no-types', '--append'],
    { reject: false, env: { CI: 'true' } },
  );
  if (generated.exitCode !== 0) throw new Error(`create-saas-db failed: ${generated.stderr}`);
});

afterAll(removeTempDirs);

const ENGINES = [
  { engine: 'embedded', args: [] as string[] },
  { engine: 'PostgreSQL 15 (--db-url)', args: ['--db-url', ADMIN_URL] },
];

const SKIP = ['--skip', 'rls,advisors,seed,pgtap,typescript,python'];

describe.each(ENGINES)('declarative schema files against the migrations on $engine', ({ args }) => {
  it('the appended repo: the schema files and the migrations agree', async () => {
    const { report } = await runVerifyJson(['04', repo, ...SKIP, ...args]);
    const migrations = check(report, 'migrations');
    expect(migrations.status).toBe('pass');
    expect(migrations.warnings.map((w) => w.message).filter((m) => !m.startsWith('the embedded engine is PostgreSQL'))).toEqual([]);
    expect(check(report, 'schema').status).toBe('pass');
  });

  it('a column, a policy and a default the schema files lack or change: one finding each, naming the side', async () => {
    const mutant = await copyRepo(repo, 'declarative-drift');
    // The repo's own schema file loses a column; the phase's loses a policy and changes a default.
    await editRepoFile(mutant, 'supabase/schemas/01_notes.sql', ",\n  body text not null default ''", '');
    await editRepoFile(
      mutant,
      'supabase/schemas/02_initial_schema.sql',
      'monthly_usage integer not null default 0',
      'monthly_usage integer not null default 10',
    );
    await editRepoFile(mutant, 'supabase/schemas/03_rls_policies.sql', /create policy "Users can read own assets"[^;]*;/, '');
    const { report, exitCode } = await runVerifyJson(['04', mutant, ...SKIP, ...args]);
    expect(exitCode).toBe(1);
    const migrations = check(report, 'migrations');
    expect(migrations.status).toBe('fail');
    expect(migrations.reason).toBe(
      'the declarative schema files and the migrations differ (3 differences): the next `supabase db diff` would turn them into a migration',
    );
    expect(migrations.findings.map((f) => f.message)).toEqual([
      'column public.notes.body: made by the migrations, absent from the schema files (the next supabase db diff would drop it)',
      'column public.users.monthly_usage: default `10` in the schema files, `0` in the migrations',
      'policy "Users can read own assets" on public.assets: made by the migrations, absent from the schema files (the next supabase db diff would drop it)',
    ]);
    expect(check(report, 'schema')).toMatchObject({ status: 'skip', reason: 'needs migrations, which did not pass' });
  });

  it('an object only the schema files have in a schema the diff does not read: a warning, not a failure', async () => {
    const mutant = await copyRepo(repo, 'declarative-auth-trigger');
    const file = path.join(mutant, 'supabase/schemas/01_notes.sql');
    await writeFile(
      file,
      `${await readFile(file, 'utf8')}
create function public.note_for_new_user() returns trigger language plpgsql security definer set search_path = ''
as $$ begin insert into public.notes (owner) values (new.id); return new; end $$;
create trigger on_auth_user_note after insert on auth.users for each row execute function public.note_for_new_user();
`,
    );
    const { report } = await runVerifyJson(['04', mutant, ...SKIP, ...args]);
    const migrations = check(report, 'migrations');
    expect(migrations.findings.map((f) => f.message)).toEqual([
      'function public.note_for_new_user(): in the schema files, made by no migration (the next supabase db diff would create it)',
    ]);
    expect(migrations.warnings.map((w) => w.message)).toContain(
      'trigger on_auth_user_note on auth.users: in the schema files, made by no migration; supabase db diff does not read schema auth: write it in a migration',
    );
  });
});
