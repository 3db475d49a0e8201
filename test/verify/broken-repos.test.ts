import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  check,
  copyRepo,
  editRepoFile,
  failingChecks,
  generatedRepo,
  removeTempDirs,
  runVerifyJson,
  writeRepoFile,
} from './helpers/repo.js';

/**
 * Each broken copy of a freshly generated repo fails in the check that owns the defect, with a
 * message precise enough to act on. Database defects run without the compile checks, compile
 * defects without the database checks, to keep the suite fast.
 */
let good: string;

beforeAll(async () => {
  good = await generatedRepo();
});

afterAll(removeTempDirs);

const DB_ONLY = ['--skip', 'typescript,python'];
const NO_DB = ['--skip', 'migrations,schema,rls,advisors,seed,pgtap'];

async function lineOf(repo: string, file: string, needle: string): Promise<number> {
  const lines = (await readFile(path.join(repo, file), 'utf8')).split('\n');
  const index = lines.findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`${needle} not in ${file}`);
  return index + 1;
}

describe('broken repos fail in the right check', () => {
  it('a missing file: files', async () => {
    const repo = await copyRepo(good, 'missing-file');
    await rm(path.join(repo, 'apps/web/lib/supabase/server.ts'));
    const { exitCode, report } = await runVerifyJson(['04', repo, ...DB_ONLY]);
    expect(exitCode).toBe(1);
    expect(failingChecks(report)).toEqual(['files']);
    expect(check(report, 'files').findings).toEqual([{ message: 'missing apps/web/lib/supabase/server.ts' }]);
    expect(report.marker).toBeNull();
  });

  it('both proxy.ts and middleware.ts: files', async () => {
    const repo = await copyRepo(good, 'both-session-files');
    const proxy = await readFile(path.join(repo, 'apps/web/proxy.ts'), 'utf8');
    await writeRepoFile(repo, 'apps/web/middleware.ts', proxy.replace('export async function proxy', 'export async function middleware'));
    const { exitCode, report } = await runVerifyJson(['04', repo, ...DB_ONLY]);
    expect(exitCode).toBe(1);
    expect(failingChecks(report)).toEqual(['files']);
    expect(check(report, 'files').findings).toEqual([
      {
        message: 'both apps/web/proxy.ts and apps/web/middleware.ts exist: Next.js refuses to build with both; keep apps/web/proxy.ts only',
        location: { file: 'apps/web/middleware.ts' },
      },
    ]);
  });

  it('a syntax error in a migration: migrations, with file, line and the server error, annotated for GitHub', async () => {
    const repo = await copyRepo(good, 'migration-syntax');
    const file = 'supabase/migrations/00003_add_notes.sql';
    await writeRepoFile(repo, file, '-- Notes for jobs\n\ncreate tabel public.notes (id int);\n');
    const { exitCode, report, stderr } = await runVerifyJson(['04', repo, ...DB_ONLY], { GITHUB_ACTIONS: 'true' });
    expect(exitCode).toBe(1);
    expect(failingChecks(report)).toEqual(['migrations']);
    const migrations = check(report, 'migrations');
    expect(migrations.reason).toBe(`${file} does not apply`);
    expect(migrations.findings).toEqual([
      { message: 'ERROR: syntax error at or near "tabel" (SQLSTATE 42601)', location: { file, line: 3 } },
    ]);
    for (const dependent of ['schema', 'rls', 'advisors', 'seed']) {
      expect(check(report, dependent)).toMatchObject({ status: 'skip', reason: 'needs migrations, which did not pass' });
    }
    expect(stderr.split('\n')).toContain(
      `::error file=${file},line=3,title=verify-phase 04 migrations::ERROR: syntax error at or near "tabel" (SQLSTATE 42601)`,
    );
  });

  it('a grant missing from the policies migration: rls', async () => {
    const repo = await copyRepo(good, 'grant-missing');
    await editRepoFile(
      repo,
      'supabase/migrations/00002_rls_policies.sql',
      /^grant insert \(user_id, job_type, parameters, status, progress\) on table public\.jobs to authenticated;$/m,
      '',
    );
    const { exitCode, report } = await runVerifyJson(['04', repo, ...DB_ONLY]);
    expect(exitCode).toBe(1);
    expect(failingChecks(report)).toEqual(['rls', 'pgtap']);
    const messages = check(report, 'rls').findings.map((f) => f.message);
    expect(messages).toContain(
      'user A queues a job with the jobs API payload: expected rows: A, got error 42501 (permission denied for table jobs) — users cannot queue jobs through the Data API: grant insert (user_id, job_type, parameters, status, progress) on public.jobs to authenticated, with an insert policy for their own queued jobs',
    );
  });

  it('a broken seed.sql: seed, with file and line', async () => {
    const repo = await copyRepo(good, 'broken-seed');
    const seed = await readFile(path.join(repo, 'supabase/seed.sql'), 'utf8');
    await writeRepoFile(
      repo,
      'supabase/seed.sql',
      `${seed}\ninsert into public.jobs (user_id, job_type) values ('not-a-uuid', 'render');\n`,
    );
    const line = await lineOf(repo, 'supabase/seed.sql', "'not-a-uuid'");
    const { exitCode, report } = await runVerifyJson(['04', repo, ...DB_ONLY]);
    expect(exitCode).toBe(1);
    expect(failingChecks(report)).toEqual(['seed']);
    expect(check(report, 'seed')).toMatchObject({
      reason: 'supabase/seed.sql does not apply after the migrations',
      findings: [
        {
          message: expect.stringMatching(/^ERROR: invalid input syntax for type uuid: "not-a-uuid" \(SQLSTATE 22P02\)/),
          location: { file: 'supabase/seed.sql', line },
        },
      ],
    });
  });

  it('a type error in a client file: typescript, with file and line', async () => {
    const repo = await copyRepo(good, 'type-error');
    const file = 'apps/web/lib/supabase/client.ts';
    const source = await readFile(path.join(repo, file), 'utf8');
    await writeRepoFile(repo, file, `${source}\nexport const retries: number = 'three';\n`);
    const line = await lineOf(repo, file, 'retries');
    const { exitCode, report } = await runVerifyJson(['04', repo, ...NO_DB]);
    expect(exitCode).toBe(1);
    expect(failingChecks(report)).toEqual(['typescript']);
    expect(check(report, 'typescript').findings).toEqual([
      { message: "TS2322: Type 'string' is not assignable to type 'number'.", location: { file, line, column: 14 } },
    ]);
  });

  it('a type error made after passing runs (their answer kept in the cache): typescript, with file and line', async () => {
    const repo = await copyRepo(good, 'type-error-later');
    for (let run = 0; run < 2; run++) {
      const { report } = await runVerifyJson(['04', repo, ...NO_DB]);
      expect(check(report, 'typescript').status).toBe('pass');
    }
    const file = 'apps/web/lib/supabase/server.ts';
    const source = await readFile(path.join(repo, file), 'utf8');
    await writeRepoFile(repo, file, `${source}\nexport const retries: number = 'three';\n`);
    const line = await lineOf(repo, file, 'retries');
    const { exitCode, report } = await runVerifyJson(['04', repo, ...NO_DB]);
    expect(exitCode).toBe(1);
    expect(check(report, 'typescript').findings).toEqual([
      { message: "TS2322: Type 'string' is not assignable to type 'number'.", location: { file, line, column: 14 } },
    ]);
  });

  it('a Python syntax error: python, with file and line', async () => {
    const repo = await copyRepo(good, 'python-syntax');
    const file = 'packages/backend/src/database.py';
    const source = await readFile(path.join(repo, file), 'utf8');
    await writeRepoFile(repo, file, `${source}\n\ndef broken(:\n    return None\n`);
    const line = await lineOf(repo, file, 'def broken(:');
    const { exitCode, report } = await runVerifyJson(['04', repo, ...NO_DB]);
    expect(exitCode).toBe(1);
    expect(failingChecks(report)).toEqual(['python']);
    const python = check(report, 'python');
    expect(python.reason).toBe(`${file} does not compile`);
    expect(python.findings).toEqual([
      { message: expect.stringMatching(/invalid syntax|expected/), location: expect.objectContaining({ file, line }) },
    ]);
  });

  it('an advisor warning fails advisors by default, is only reported with --advisors error, and --advisors off skips the check', async () => {
    const repo = await copyRepo(good, 'advisor-warning');
    await writeRepoFile(
      repo,
      'supabase/migrations/00003_job_lookup.sql',
      'create index idx_jobs_lookup on public.jobs (user_id, status);\n',
    );
    const args = ['04', repo, '--grants', 'current', '--skip', 'typescript,python'];

    const strict = await runVerifyJson(args);
    expect(strict.exitCode).toBe(1);
    expect(failingChecks(strict.report)).toEqual(['advisors']);
    const finding = check(strict.report, 'advisors').findings;
    expect(finding).toEqual([{ message: expect.stringMatching(/^duplicate_index \(warn\) on public\.jobs .*idx_jobs_lookup/) }]);

    const errorsOnly = await runVerifyJson([...args, '--advisors', 'error']);
    expect(errorsOnly.exitCode).toBe(0);
    expect(check(errorsOnly.report, 'advisors')).toMatchObject({ status: 'pass', warnings: finding });

    const off = await runVerifyJson([...args, '--advisors', 'off']);
    expect(check(off.report, 'advisors')).toMatchObject({ status: 'skip', reason: 'turned off with --advisors off' });
  });
});
