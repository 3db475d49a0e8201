import { execa } from 'execa';
import { cp, mkdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, repoRoot } from '../helpers/fixtures.js';
import { barePython } from '../python/backend.js';
import { cachedWebDeps } from '../templates/web-app.js';
import {
  check,
  copyRepo,
  failingChecks,
  generatedRepo,
  removeTempDirs,
  runVerifyJson,
  statusesOf,
  tempDir,
  testCacheDir,
  writeRepoFile,
} from './helpers/repo.js';

/** The repo's layout and conventions: Next 15 vs 16, `src/`, the CLI's naming rules, what is missing. */
let good: string;
let next15: string;

const NO_DB = ['--skip', 'migrations,typescript,python'];

beforeAll(async () => {
  good = await generatedRepo();
  next15 = await tempDir('next15');
  await cp(path.join(fixturesDir, 'next15-src-npm'), next15, { recursive: true });
  const generated = await execa(process.execPath, [path.join(repoRoot, 'bin', 'create-saas-db.js'), next15, '--yes', '--no-install'], {
    reject: false,
    env: { CI: 'true' },
  });
  if (generated.exitCode !== 0) throw new Error(generated.stderr);
  await symlink((await cachedWebDeps()).next15, path.join(next15, 'node_modules'), 'dir');
});

afterAll(removeTempDirs);

describe('a Next 15 app with src/ and npm', () => {
  it('passes: middleware.ts and lib/supabase under src/, compiled against Next 15', async () => {
    const { exitCode, report } = await runVerifyJson(['04', next15, '--grants', 'current']);
    expect(statusesOf(report)).toEqual({
      files: 'pass',
      migrations: 'pass',
      schema: 'pass',
      rls: 'pass',
      advisors: 'pass',
      seed: 'pass',
      pgtap: 'pass',
      typescript: 'pass',
      python: 'skip',
    });
    expect(check(report, 'python').reason).toBe('the repo has no Python backend');
    expect(exitCode).toBe(0);
  });

  it('a client file outside src/ is missing where the layout wants it, and the message says where it is', async () => {
    const repo = await copyRepo(next15, 'n15-misplaced');
    await mkdir(path.join(repo, 'lib', 'supabase'), { recursive: true });
    await rename(path.join(repo, 'src/lib/supabase/client.ts'), path.join(repo, 'lib/supabase/client.ts'));
    const { report } = await runVerifyJson(['04', repo, ...NO_DB]);
    expect(failingChecks(report)).toEqual(['files']);
    expect(check(report, 'files').findings).toEqual([
      { message: 'missing src/lib/supabase/client.ts (found lib/supabase/client.ts: the app uses src/app, so it belongs under src/)' },
    ]);
  });

  it('proxy.ts instead of middleware.ts fails on Next 15', async () => {
    const repo = await copyRepo(next15, 'n15-proxy');
    await rename(path.join(repo, 'src/middleware.ts'), path.join(repo, 'src/proxy.ts'));
    const { report } = await runVerifyJson(['04', repo, ...NO_DB]);
    expect(check(report, 'files').findings).toEqual([
      { message: 'Next 15 does not run proxy.ts: name it middleware.ts', location: { file: 'src/proxy.ts' } },
    ]);
  });
});

describe('the generated Next 16 monorepo', () => {
  it('accepts a root middleware.ts on Next 16 with a deprecation warning', async () => {
    const repo = await copyRepo(good, 'n16-middleware');
    await rename(path.join(repo, 'apps/web/proxy.ts'), path.join(repo, 'apps/web/middleware.ts'));
    const { report } = await runVerifyJson(['04', repo, ...NO_DB]);
    expect(check(report, 'files')).toMatchObject({
      status: 'pass',
      warnings: [
        {
          message: 'middleware.ts is deprecated on Next 16: rename it proxy.ts and its export proxy',
          location: { file: 'apps/web/middleware.ts' },
        },
      ],
    });
  });

  it('fails a root session file that never calls updateSession', async () => {
    const repo = await copyRepo(good, 'no-update-session');
    await writeRepoFile(
      repo,
      'apps/web/proxy.ts',
      "import { NextResponse } from 'next/server';\n\nexport function proxy() {\n  return NextResponse.next();\n}\n",
    );
    const { report } = await runVerifyJson(['04', repo, ...NO_DB]);
    expect(check(report, 'files').findings).toEqual([
      {
        message: 'does not call updateSession(request) from lib/supabase/proxy: sessions are never refreshed',
        location: { file: 'apps/web/proxy.ts' },
      },
    ]);
  });

  it("requires the spec's files, not the generator's helpers; the compile check catches a missing helper", async () => {
    const repo = await copyRepo(good, 'no-config-helper');
    await rm(path.join(repo, 'apps/web/lib/supabase/config.ts'));
    const { report } = await runVerifyJson(['04', repo, '--skip', 'migrations,python']);
    expect(failingChecks(report)).toEqual(['typescript']);
    expect(check(report, 'typescript').findings).toContainEqual({
      message: "TS2307: Cannot find module './config' or its corresponding type declarations.",
      location: expect.objectContaining({ file: 'apps/web/lib/supabase/client.ts' }),
    });
  });

  it('a migration named against the CLI rules is ignored with a warning, as the CLI does', async () => {
    const repo = await copyRepo(good, 'ignored-migration');
    await writeRepoFile(repo, 'supabase/migrations/notes.sql', 'this is not SQL at all;\n');
    const { exitCode, report } = await runVerifyJson(['04', repo, '--grants', 'legacy', '--skip', 'typescript,python']);
    expect(exitCode).toBe(0);
    expect(check(report, 'migrations')).toMatchObject({
      status: 'pass',
      warnings: [
        {
          message: 'ignored: the Supabase CLI only applies files named <version>_<name>.sql',
          location: { file: 'supabase/migrations/notes.sql' },
        },
        {
          message:
            'the embedded engine is PostgreSQL 18; this project runs PostgreSQL 15 ([db] major_version): run with --db-url against a PostgreSQL 15 server for the authoritative answer',
          location: { file: 'supabase/config.toml' },
        },
      ],
    });
  });

  it('a sequential migration among timestamped ones breaks the naming convention', async () => {
    const repo = await copyRepo(good, 'mixed-naming');
    await writeRepoFile(repo, 'supabase/migrations/20260101000000_add_notes.sql', 'create table public.notes (id int);\n');
    const { report } = await runVerifyJson(['04', repo, ...NO_DB]);
    expect(check(report, 'files').findings).toContainEqual({
      message:
        '00001_initial_schema.sql has a sequential version in a repo whose migrations use timestamps (YYYYMMDDHHMMSS): rename it with a timestamp after the newest one',
      location: { file: 'supabase/migrations/00001_initial_schema.sql' },
    });
  });

  it('skips the typescript check with the install command when the packages are not installed', async () => {
    const repo = await copyRepo(good, 'not-installed');
    await rm(path.join(repo, 'apps/web/node_modules'));
    const { report } = await runVerifyJson(['04', repo, '--skip', 'migrations,python']);
    const typescript = check(report, 'typescript');
    expect(typescript.status).toBe('skip');
    expect(typescript.reason).toMatch(/^.*next.* not installed for the web app: run `cd apps\/web && pnpm install`$/);
  });

  it('uses --python: a Python without supabase only compiles the module', async () => {
    const python = await barePython(await tempDir('bare-python'));
    const { report } = await runVerifyJson(['04', good, '--python', python, '--skip', 'migrations,typescript']);
    expect(check(report, 'python')).toMatchObject({
      status: 'skip',
      reason: expect.stringMatching(/^packages\/backend\/src\/database\.py compiles; not imported: /),
    });
  });

  it('runs as create-saas-db verify 04', async () => {
    const result = await execa(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'create-saas-db.js'),
        'verify',
        '04',
        good,
        '--grants',
        'current',
        '--skip',
        'typescript,python',
        '--json',
      ],
      {
        reject: false,
        env: { CREATE_SAAS_DB_CACHE_DIR: testCacheDir },
      },
    );
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(String(result.stdout))).toMatchObject({ phase: '04', ok: true });
    expect(await readFile(path.join(good, '.scaffolding', '.phase-04-complete'), 'utf8')).toMatch(/^Completed: /);
  });
});
