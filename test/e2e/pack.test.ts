import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { removeTempDirs, repoRoot, tempCopy } from '../helpers/fixtures.js';
import { venvPython } from '../python/backend.js';

afterAll(removeTempDirs);

describe('npm pack', () => {
  let packed: string[];
  let tarball: string;

  beforeAll(async () => {
    const out = await tempCopy(null);
    const pack = await execa('npm', ['pack', '--pack-destination', out, '--json'], { cwd: repoRoot });
    const [info] = JSON.parse(String(pack.stdout)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    packed = info!.files.map((f) => f.path);
    tarball = path.join(out, info!.filename);
  }, 300_000);

  /** Runs one of the package's commands from the tarball, as a user's npx would. */
  const npx = (cwd: string, bin: string, args: string[], env: Record<string, string> = {}) =>
    execa('npx', ['--yes', '--package', tarball, bin, ...args], {
      cwd,
      reject: false,
      env: { CI: 'true', npm_config_cache: path.join(cwd, '.npm-cache'), npm_config_update_notifier: 'false', ...env },
    });

  it('produces a tarball that runs with npx from a fresh directory', async () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'bin/create-saas-db.js',
        'bin/verify-phase.js',
        'dist/cli/create-command.js',
        // The embedded engine's worker thread: the verify run below applies the migrations there.
        'dist/db/engine-worker.js',
        'templates/supabase/seed.sql.hbs',
        'templates/web/lib/supabase/client.ts.hbs',
      ]),
    );
    expect(packed.some((p) => p.startsWith('test/') || p.startsWith('src/'))).toBe(false);
    expect(packed.filter((p) => /^dist\/engine-image\/pglite-standin-.+\.tar$/.test(p))).toHaveLength(1);
    // A new directory's project, dotfiles included (stored without their dot: npm drops a .gitignore).
    expect(packed).toEqual(
      expect.arrayContaining(['templates/project/gitignore', 'templates/project/env.example', 'templates/project/apps/web/app/page.tsx']),
    );

    const fresh = await tempCopy(null);
    const run = await npx(fresh, 'create-saas-db', ['app', '--yes', '--no-install', '--no-types']);
    expect(run.exitCode, String(run.stderr)).toBe(0);
    expect(await readdir(path.join(fresh, 'app', 'supabase', 'migrations'))).toEqual([
      '00001_initial_schema.sql',
      '00002_rls_policies.sql',
    ]);
    expect(await readdir(path.join(fresh, 'app'))).toEqual(
      expect.arrayContaining(['.env.example', '.gitignore', 'package.json', 'apps', 'packages', 'supabase']),
    );
    // Run through npx, the report names the published command.
    expect(String(run.stdout)).toMatch(/^ {2}npx create-saas-db verify 04 /m);
    expect(String(run.stdout)).not.toContain('bin/create-saas-db.js');

    // The installed package verifies on its own engine image: the cache directory stays unused.
    const cacheDir = path.join(fresh, 'engine-cache');
    const verify = await npx(fresh, 'verify-phase', ['04', 'app', '--skip', 'pgtap,typescript,python', '--json'], {
      CREATE_SAAS_DB_CACHE_DIR: cacheDir,
    });
    expect(verify.exitCode, String(verify.stdout) + String(verify.stderr)).toBe(0);
    const report = JSON.parse(String(verify.stdout)) as { checks: Array<{ name: string; status: string }> };
    expect(report.checks.filter((c) => c.status === 'pass').map((c) => c.name)).toEqual([
      'files',
      'migrations',
      'schema',
      'rls',
      'advisors',
      'seed',
    ]);
    await expect(readdir(cacheDir)).rejects.toThrow();
  }, 300_000);

  it('ships the Python probe and the helper types, and runs them from the installed package', async () => {
    expect(packed).toEqual(expect.arrayContaining(['resources/python/probe.py', 'resources/types-gen/helper-types.ts']));
    const repo = await tempCopy('phase03-monorepo');
    const python = await venvPython();

    expect((await npx(repo, 'create-saas-db', ['.', '--yes', '--no-install', '--no-types'])).exitCode).toBe(0);
    const types = await npx(repo, 'create-saas-db', ['types'], { CREATE_SAAS_DB_CACHE_DIR: path.join(repo, '.engine-cache') });
    expect(types.exitCode, String(types.stderr)).toBe(0);
    const written = await readFile(path.join(repo, 'packages', 'types', 'src', 'database.ts'), 'utf8');
    expect(written).toContain('type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]');
    expect(written).toContain('export type CompositeTypes<');

    const skip = 'migrations,schema,rls,advisors,seed,pgtap,typescript';
    const verify = await npx(repo, 'verify-phase', ['04', '.', '--skip', skip, '--python', python, '--json']);
    expect(verify.exitCode, String(verify.stdout) + String(verify.stderr)).toBe(0);
    const report = JSON.parse(String(verify.stdout)) as { checks: Array<{ name: string; status: string }> };
    expect(report.checks.find((c) => c.name === 'python')).toMatchObject({ status: 'pass' });
  }, 300_000);
});
