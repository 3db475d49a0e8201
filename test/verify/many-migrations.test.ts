import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOR_OWN_DATABASE } from '../../src/verify/runner.js';
import { check, copyRepo, failingChecks, generatedRepo, removeTempDirs, runVerifyJson, statusesOf, writeRepoFile } from './helpers/repo.js';

afterAll(removeTempDirs);

/** Sequential versions, as the generated repo's own: after the phase's. */
const version = (n: number) => `1${String(n).padStart(4, '0')}`;

/** `count` small user migrations, each a table with row level security, after the phase's own. */
async function withUserMigrations(repo: string, count: number, sqlOf: (n: number) => string): Promise<void> {
  await mkdir(path.join(repo, 'supabase', 'migrations'), { recursive: true });
  for (let n = 1; n <= count; n++) await writeRepoFile(repo, `supabase/migrations/${version(n)}_change_${n}.sql`, sqlOf(n));
}

const table = (n: number) =>
  `create table public.t${n} (id bigint primary key, note text);\nalter table public.t${n} enable row level security;\n`;

/**
 * From MIGRATIONS_FOR_OWN_DATABASE migrations on, each grant mode has an embedded engine of its
 * own, and on a machine with two cores the two modes run side by side: the verdict is the same as
 * one mode after the other would give, for a repo that passes and for one that fails.
 */
describe(`a repo with ${MIGRATIONS_FOR_OWN_DATABASE} user migrations, on the embedded engine`, () => {
  it('passes every database check in both grant modes', async () => {
    const repo = await copyRepo(await generatedRepo(), 'many-migrations');
    await withUserMigrations(repo, MIGRATIONS_FOR_OWN_DATABASE, table);
    const { exitCode, report } = await runVerifyJson(['04', repo, '--skip', 'typescript,python']);
    // Every database check ran and passed in both modes; the web and Python checks were skipped.
    expect(failingChecks(report)).toEqual([]);
    expect(Object.entries(statusesOf(report)).filter(([, status]) => status !== 'pass')).toEqual([
      ['typescript', 'skip'],
      ['python', 'skip'],
    ]);
    expect(exitCode).toBe(0);
  });

  it('fails on the one migration that cannot apply, naming it, in both modes alike', async () => {
    const repo = await copyRepo(await generatedRepo(), 'many-migrations-failing');
    const broken = 250;
    await withUserMigrations(repo, MIGRATIONS_FOR_OWN_DATABASE, (n) =>
      n === broken ? 'insert into public.no_such_table values (1);\n' : table(n),
    );
    const { exitCode, report } = await runVerifyJson(['04', repo, '--skip', 'typescript,python']);
    const migrations = check(report, 'migrations');
    expect(migrations.status).toBe('fail');
    const file = `supabase/migrations/${version(broken)}_change_${broken}.sql`;
    // One reason and one finding: both modes failed alike.
    expect(migrations.reason).toBe(`${file} does not apply`);
    expect(migrations.findings).toEqual([
      { message: 'ERROR: relation "public.no_such_table" does not exist (SQLSTATE 42P01)', location: { file, line: 1 } },
    ]);
    expect(statusesOf(report)).toMatchObject({ schema: 'skip', rls: 'skip', pgtap: 'skip' });
    expect(exitCode).toBe(1);
  });
});
