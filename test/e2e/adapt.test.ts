import { afterAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { changedFiles, hashTree, removeTempDirs, tempCopy } from '../helpers/fixtures.js';
import { runBin, runJson, statuses } from '../helpers/run-bin.js';

afterAll(removeTempDirs);

/** A stand-in package manager on PATH that records how it was called and exits with `code`. */
async function fakePackageManager(name: string, code: number): Promise<{ binDir: string; log: string }> {
  const binDir = await tempCopy(null);
  const log = path.join(binDir, 'calls.log');
  // Chatty as npm is: warnings on stderr, progress on stdout, whatever the outcome.
  const noise = 'echo "npm warn EBADENGINE Unsupported engine" >&2\necho "added 3 packages"\n';
  const script = `#!/bin/sh\necho "$(pwd) $*" >> ${log}\n${noise}${code === 0 ? '' : 'echo "ERR_PNPM_FETCH_404 no such package" >&2\n'}exit ${code}\n`;
  await writeFile(path.join(binDir, name), script);
  await chmod(path.join(binDir, name), 0o755);
  return { binDir, log };
}

const withPath = (binDir: string) => ({ PATH: `${binDir}:${process.env['PATH']}` });

describe('adapting to existing repos', () => {
  it('a single Next 15 app with src/ and npm: middleware.ts under src/, process.env clients', async () => {
    const target = await tempCopy('next15-src-npm');
    const before = await hashTree(target);
    const { result, report } = await runJson([target, '--yes', '--no-install', '--no-types']);
    expect(result.exitCode, result.stderr).toBe(0);
    const byStatus = statuses(report);
    for (const file of [
      'src/lib/supabase/client.ts',
      'src/lib/supabase/server.ts',
      'src/lib/supabase/admin.ts',
      'src/lib/supabase/middleware.ts',
      'src/middleware.ts',
    ]) {
      expect(byStatus[file], file).toBe('create');
    }
    expect(Object.keys(byStatus).some((p) => p.endsWith('proxy.ts') || p.endsWith('.py'))).toBe(false);
    expect(changedFiles(before, await hashTree(target))).toEqual(['package.json']);
    const root = await readFile(path.join(target, 'src/middleware.ts'), 'utf8');
    expect(root).toMatch(/export async function middleware\(/);
    expect(root).toContain("from './lib/supabase/middleware'");
    expect(await readFile(path.join(target, 'src/lib/supabase/config.ts'), 'utf8')).toContain('process.env.NEXT_PUBLIC_SUPABASE_URL');
  });

  it('the guide monorepo imports its env module with the key names it defines', async () => {
    const target = await tempCopy('phase03-monorepo');
    expect((await runBin([target, '--yes', '--no-install', '--no-types'])).exitCode).toBe(0);
    const config = await readFile(path.join(target, 'apps/web/lib/supabase/config.ts'), 'utf8');
    expect(config).toContain("from '../env'");
    expect(config).toContain('publicEnv.NEXT_PUBLIC_SUPABASE_ANON_KEY');
    expect(await readFile(path.join(target, 'apps/web/lib/supabase/admin.ts'), 'utf8')).toContain('env.SUPABASE_SERVICE_ROLE_KEY');
  });

  it.each([
    ['yarn-app', 'yarn'],
    ['bun-app', 'bun'],
  ])('%s: installs with %s in the app directory', async (fixture, pm) => {
    const target = await tempCopy(fixture);
    const fake = await fakePackageManager(pm, 0);
    const run = await runBin([target, '--yes', '--no-types'], { env: withPath(fake.binDir) });
    expect(run.exitCode, run.stderr).toBe(0);
    expect((await readFile(fake.log, 'utf8')).trim()).toBe(`${target} install`);
    expect(run.stdout).toContain(`Dependencies: installed (${pm} install)`);
    // Its output is kept in a log outside the repo, not printed.
    expect(run.stdout + run.stderr).not.toMatch(/EBADENGINE|added 3 packages/);
    const logFile = /\n {2}Its output: (\S+install\.log)\n/.exec(run.stdout)?.[1];
    expect(logFile, run.stdout).toBeDefined();
    expect(path.relative(target, logFile!).startsWith('..')).toBe(true);
    expect((await readFile(logFile!, 'utf8')).split('\n').sort()).toEqual(
      ['', 'added 3 packages', 'npm warn EBADENGINE Unsupported engine'].sort(),
    );
    const manifest = JSON.parse(await readFile(path.join(target, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toEqual(
      expect.arrayContaining(['@supabase/ssr', '@supabase/supabase-js', 'server-only', 'next']),
    );
  });

  it('a failing install is reported with its error and exit code 5; files stay written', async () => {
    const target = await tempCopy('phase03-monorepo');
    const fake = await fakePackageManager('pnpm', 1);
    const run = await runBin([target, '--yes', '--no-types'], { env: withPath(fake.binDir) });
    expect(run.exitCode).toBe(5);
    expect(run.stdout).toMatch(/Dependencies: pnpm install failed: exit 1: .*ERR_PNPM_FETCH_404 no such package/);
    // A failure shows the last lines of the output and where the whole of it is.
    expect(run.stdout).toMatch(
      /\n {2}Last lines of its output:\n(?: {4}.*\n)*? {4}ERR_PNPM_FETCH_404 no such package\n {2}Its output: \S+install\.log\n/,
    );
    expect((await readFile(fake.log, 'utf8')).trim()).toBe(`${path.join(target, 'apps/web')} install`);
    expect((await hashTree(target)).has('apps/web/lib/supabase/client.ts')).toBe(true);
  });

  it('--no-install adds the dependencies but runs nothing', async () => {
    const target = await tempCopy('yarn-app');
    const fake = await fakePackageManager('yarn', 0);
    const run = await runBin([target, '--yes', '--no-install', '--no-types'], { env: withPath(fake.binDir) });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Dependencies: not installed (--no-install)');
    await expect(readFile(fake.log, 'utf8')).rejects.toThrow();
  });

  it('a repo with no Python gets no backend module; --no-backend drops it from the guide layout', async () => {
    const noPython = await tempCopy('yarn-app');
    const { report } = await runJson([noPython, '--yes', '--no-install', '--no-types']);
    expect(report.files.some((f) => f.group === 'backend')).toBe(false);
    const guide = await tempCopy('phase03-monorepo');
    const dropped = await runJson([guide, '--yes', '--no-install', '--no-types', '--no-backend']);
    expect(dropped.report.files.some((f) => f.group === 'backend' || f.path.endsWith('pyproject.toml'))).toBe(false);
  });

  it('a workspace with two Next apps needs --web-dir in CI', async () => {
    const target = await tempCopy(null);
    await writeFile(path.join(target, 'package.json'), JSON.stringify({ private: true, workspaces: ['apps/*'] }));
    for (const app of ['site', 'dashboard']) {
      await mkdir(path.join(target, 'apps', app), { recursive: true });
      await writeFile(path.join(target, 'apps', app, 'package.json'), JSON.stringify({ name: app, dependencies: { next: '^16.0.0' } }));
    }
    const refused = await runBin([target, '--yes', '--no-install', '--no-types']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim()).toBe(
      'create-saas-db: several Next.js apps found (apps/dashboard, apps/site): pass --web-dir <dir> to choose one',
    );
    const chosen = await runJson([target, '--yes', '--no-install', '--no-types', '--web-dir', 'apps/site']);
    expect(chosen.result.exitCode).toBe(0);
    expect(statuses(chosen.report)['apps/site/proxy.ts']).toBe('create');
  });

  it('reports a [db.seed] that does not load seed.sql, and a missing config.toml', async () => {
    const target = await tempCopy('phase03-monorepo');
    const toml = path.join(target, 'supabase/config.toml');
    await writeFile(toml, (await readFile(toml, 'utf8')).replace('["./seed.sql"]', '["./seeds/base.sql"]'));
    const run = await runBin([target, '--yes', '--no-install', '--no-types']);
    expect(run.stdout).toMatch(/sql_paths names a file that does not exist \(\.\/seeds\/base\.sql\): add "\.\/seed\.sql" there/);
    expect(run.stdout).not.toMatch(/does not include/);
    expect(run.stdout).not.toMatch(/supabase init/);
  });

  it('a package.json with a UTF-8 BOM gets its dependencies, and keeps the BOM', async () => {
    const target = await tempCopy('yarn-app');
    const manifest = path.join(target, 'package.json');
    await writeFile(manifest, `\ufeff${await readFile(manifest, 'utf8')}`);
    const run = await runBin([target, '--yes', '--no-install', '--no-types']);
    expect(run.exitCode, run.stderr).toBe(0);
    const text = await readFile(manifest, 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    expect(Object.keys(JSON.parse(text.slice(1)).dependencies)).toEqual(expect.arrayContaining(['@supabase/ssr', '@supabase/supabase-js']));
  });
});
