import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { removeTempDirs, repoRoot, tempCopy } from '../helpers/fixtures.js';

afterAll(removeTempDirs);

describe('npm pack', () => {
  it('produces a tarball that runs with npx from a fresh directory', async () => {
    const out = await tempCopy(null);
    const pack = await execa('npm', ['pack', '--pack-destination', out, '--json'], { cwd: repoRoot });
    const [info] = JSON.parse(String(pack.stdout)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const packed = info!.files.map((f) => f.path);
    expect(packed).toEqual(expect.arrayContaining(['bin/create-saas-db.js', 'bin/verify-phase.js', 'dist/cli/create-command.js', 'templates/supabase/seed.sql.hbs', 'templates/web/lib/supabase/client.ts.hbs']));
    expect(packed.some((p) => p.startsWith('test/') || p.startsWith('src/'))).toBe(false);
    expect(packed.filter((p) => /^dist\/engine-image\/pglite-standin-.+\.tar$/.test(p))).toHaveLength(1);

    const fresh = await tempCopy(null);
    const tarball = path.join(out, info!.filename);
    const run = await execa('npx', ['--yes', '--package', tarball, 'create-saas-db', 'app', '--yes', '--no-install', '--no-types'], {
      cwd: fresh,
      reject: false,
      env: { CI: 'true', npm_config_cache: path.join(fresh, '.npm-cache'), npm_config_update_notifier: 'false' },
    });
    expect(run.exitCode, String(run.stderr)).toBe(0);
    expect(await readdir(path.join(fresh, 'app', 'supabase', 'migrations'))).toEqual(['00001_initial_schema.sql', '00002_rls_policies.sql']);

    // The installed package verifies on its own engine image: the cache directory stays unused.
    const cacheDir = path.join(fresh, 'engine-cache');
    const verify = await execa('npx', ['--yes', '--package', tarball, 'verify-phase', '04', 'app', '--skip', 'pgtap,typescript,python', '--json'], {
      cwd: fresh,
      reject: false,
      env: { CI: 'true', npm_config_cache: path.join(fresh, '.npm-cache'), npm_config_update_notifier: 'false', CREATE_SAAS_DB_CACHE_DIR: cacheDir },
    });
    expect(verify.exitCode, String(verify.stdout) + String(verify.stderr)).toBe(0);
    const report = JSON.parse(String(verify.stdout)) as { checks: Array<{ name: string; status: string }> };
    expect(report.checks.filter((c) => c.status === 'pass').map((c) => c.name)).toEqual(['files', 'migrations', 'schema', 'rls', 'advisors', 'seed']);
    await expect(readdir(cacheDir)).rejects.toThrow();
  }, 300_000);
});
