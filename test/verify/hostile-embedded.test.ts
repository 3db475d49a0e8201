import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, copyRepo, generatedRepo, removeTempDirs, runVerifyJson, writeRepoFile } from './helpers/repo.js';

/** The embedded engine refuses what a project refuses, at once rather than hanging. */
let repo: string;

beforeAll(async () => {
  repo = await generatedRepo();
});

afterAll(removeTempDirs);

describe('verify-phase 04 on the embedded engine with a hostile migration', () => {
  it('COPY … TO PROGRAM fails at once as not allowed on Supabase', async () => {
    const hostile = await copyRepo(repo, 'copy-program');
    await writeRepoFile(hostile, 'supabase/migrations/00003_hostile.sql', "select 1;\ncopy (select 1) to program 'touch /tmp/never';\n");
    const started = Date.now();
    const { exitCode, report } = await runVerifyJson(['04', hostile, '--grants', 'legacy', '--skip', 'typescript,python']);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(exitCode).toBe(1);
    expect(check(report, 'migrations').findings).toEqual([
      {
        message: 'ERROR: COPY TO/FROM PROGRAM is not allowed on Supabase (it runs a shell command on the database server) (SQLSTATE 42501)',
        location: { file: 'supabase/migrations/00003_hostile.sql', line: 2 },
      },
    ]);
  });
});
