/**
 * Slow (a real `next build`, about a minute on two cores, plus a full verify): a new directory's
 * project builds and passes all nine checks of verify-phase 04, none skipped.
 */
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_URL } from '../helpers/db-postgres.js';
import { removeTempDirs, tempCopy } from '../helpers/fixtures.js';
import { runBin } from '../helpers/run-bin.js';
import { venvPython } from '../python/backend.js';
import { cachedWebDeps } from '../templates/web-app.js';

afterAll(removeTempDirs);

describe('a new project (slow: next build)', () => {
  let root: string;

  beforeAll(async () => {
    const deps = await cachedWebDeps();
    root = path.join(await tempCopy(null), 'my-app');
    // Database types included, as a user's run writes them; the install is the test's cached one.
    const run = await runBin([root, '--yes', '--no-install']);
    expect(run.exitCode, run.stderr).toBe(0);
    await symlink(deps.next16, path.join(root, 'apps', 'web', 'node_modules'), 'dir');
  });

  it('builds with next build', async () => {
    // webpack: Turbopack refuses a node_modules outside the project's root, and the test's is a
    // symlink to the shared cache; an installed project builds with either.
    const build = await execa(path.join(root, 'apps', 'web', 'node_modules', '.bin', 'next'), ['build', '--webpack'], {
      cwd: path.join(root, 'apps', 'web'),
      env: { NEXT_TELEMETRY_DISABLED: '1', CI: 'true' },
      reject: false,
      all: true,
    });
    expect(build.exitCode, String(build.all)).toBe(0);
    expect(String(build.all)).toMatch(/ƒ \//);
  }, 400_000);

  it('passes verify-phase 04 with all nine checks, none skipped', async () => {
    const python = await venvPython();
    const verify = await runBin(['verify', '04', root, '--python', python, '--db-url', ADMIN_URL, '--json']);
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    const report = JSON.parse(verify.stdout) as { checks: Array<{ name: string; status: string }> };
    expect(report.checks.map((c) => [c.name, c.status])).toEqual(
      ['files', 'migrations', 'schema', 'rls', 'advisors', 'seed', 'pgtap', 'typescript', 'python'].map((name) => [name, 'pass']),
    );
  }, 300_000);
});
