import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedFiles, hashTree, removeTempDirs, repoRoot, tempCopy } from '../helpers/fixtures.js';
import { runBin, runJson, statuses } from '../helpers/run-bin.js';

afterAll(removeTempDirs);

const FLAGS = ['--yes', '--no-install', '--no-types'];

/** verify-phase 04 on the embedded engine; the check statuses by id. */
async function verifyChecks(target: string): Promise<Record<string, string>> {
  const run = await execa(
    process.execPath,
    [path.join(repoRoot, 'bin', 'verify-phase.js'), '04', target, '--skip', 'typescript,python', '--json'],
    {
      reject: false,
      stdin: 'ignore',
      timeout: 300_000,
      env: { CI: 'true' },
    },
  );
  const report = JSON.parse(String(run.stdout)) as { checks: Array<{ name: string; status: string }> };
  return Object.fromEntries(report.checks.map((c) => [c.name, c.status]));
}

/** Every file that was there before is byte-identical; the listed ones are the only edits. */
async function expectOnlyAdded(target: string, before: Map<string, string>, edited: string[]) {
  const after = await hashTree(target);
  expect(changedFiles(before, after).filter((f) => before.has(f))).toEqual(edited);
}

describe('--append into existing Supabase repos', () => {
  // Each is a pattern real repos have; after --append the whole repo still applies and seeds.
  const fixtures: Array<[string, string[]]> = [
    ['own-signup-0001', ['migrations', 'seed', 'schema', 'rls']],
    ['vector-search', ['migrations', 'seed', 'schema', 'rls']],
    ['storage-avatars', ['migrations', 'seed', 'schema', 'rls']],
    ['realtime-chat', ['migrations', 'seed', 'schema', 'rls']],
    ['cron-vault', ['migrations', 'seed', 'schema', 'rls']],
    ['auth-hook', ['migrations', 'seed', 'schema', 'rls']],
    ['declarative-schema', ['migrations', 'seed', 'schema', 'rls']],
  ];

  it.each(fixtures)(
    '%s: a plain run skips the migrations and what needs them; --append adds them and the repo applies',
    async (fixture, passing) => {
      const target = await tempCopy(fixture);
      const before = await hashTree(target);

      const plain = await runJson([target, ...FLAGS]);
      expect(plain.result.exitCode, plain.result.stderr).toBe(0);
      const skipped = plain.report.files.filter((f) => ['migrations', 'seed', 'db-tests', 'schemas'].includes(f.group));
      expect(skipped.length).toBeGreaterThan(0);
      for (const file of skipped) expect(file.status, file.path).toBe('skip');
      expect(skipped.find((f) => f.group === 'seed')?.reason).toMatch(
        /needs the phase's migrations, which are not added \(.*pass --append/,
      );
      await expectOnlyAdded(target, before, ['package.json']);

      const appended = await runJson([target, ...FLAGS, '--append']);
      expect(appended.result.exitCode, appended.result.stderr).toBe(0);
      const byStatus = statuses(appended.report);
      const ours = appended.report.files.filter((f) => f.group === 'migrations').map((f) => path.basename(f.path));
      expect(ours).toHaveLength(2);
      const theirs = Object.keys(Object.fromEntries(before))
        .filter((f) => f.startsWith('supabase/migrations/'))
        .map((f) => path.basename(f));
      for (const name of ours) for (const existing of theirs) expect(name > existing, `${name} sorts after ${existing}`).toBe(true);
      expect(byStatus['supabase/seed.sql']).toBe('create');
      await expectOnlyAdded(target, before, ['package.json']);

      const checks = await verifyChecks(target);
      for (const id of passing) expect(checks[id], id).toBe('pass');
    },
  );

  it('a repo with its own handle_new_user and on_auth_user_created keeps them; the phase names its own', async () => {
    const target = await tempCopy('own-signup-0001');
    const before = await hashTree(target);
    const { result, report } = await runJson([target, ...FLAGS, '--append']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report.files.filter((f) => f.group === 'migrations').map((f) => f.path)).toEqual([
      'supabase/migrations/0003_initial_schema.sql',
      'supabase/migrations/0004_rls_policies.sql',
    ]);
    expect(report.notes).toEqual(
      expect.arrayContaining([
        "function public.handle_new_user() is defined by 0001_profiles.sql: the phase's is named handle_new_user_phase04",
        "trigger on_auth_user_created on auth.users is defined by 0001_profiles.sql: the phase's is named on_auth_user_created_phase04",
        "function public.update_updated_at() is defined by 0002_updated_at.sql: the phase's is named update_updated_at_phase04",
      ]),
    );
    const schema = await readFile(path.join(target, 'supabase/migrations/0003_initial_schema.sql'), 'utf8');
    expect(schema).toContain('create trigger on_auth_user_created_phase04');
    expect(schema).toContain('execute function public.handle_new_user_phase04()');
    expect(schema).not.toMatch(/function public\.handle_new_user\(\)/);
    expect(schema).not.toMatch(/function public\.update_updated_at\(\)/);
    // Names the repo does not use keep the spec's.
    expect(schema).toContain('create trigger on_auth_user_email_changed');
    const tests = await readFile(path.join(target, 'supabase/tests/database/04_triggers.test.sql'), 'utf8');
    expect(tests).toContain("'on_auth_user_created_phase04'");
    // @supabase/ssr 0.3 has another cookie API: raised with supabase-js, and said so.
    const manifest = JSON.parse(await readFile(path.join(target, 'package.json'), 'utf8'));
    expect(manifest.dependencies['@supabase/ssr']).toBe('^0.12.7');
    expect(manifest.dependencies['@supabase/supabase-js']).toBe('^2.119.1');
    expect(report.files.find((f) => f.path === 'package.json')?.reason).toMatch(/upgrades @supabase\/ssr \^0\.3\.0 → \^0\.12\.7/);
    await expectOnlyAdded(target, before, ['package.json']);
  });

  it("--append writes the Database types `create-saas-db types` reads from the repo's migrations and the phase's", async () => {
    const target = await tempCopy('own-signup-0001');
    const { result, report } = await runJson([target, '--yes', '--no-install', '--append']);
    expect(result.exitCode, result.stderr).toBe(0);
    const typesFile = report.files.find((f) => f.group === 'types');
    expect(typesFile?.status).toBe('create');
    const written = await readFile(path.join(target, typesFile!.path), 'utf8');
    // The repo's own table, and the phase's, read from the engine the --append check left.
    expect(written).toContain('      profiles: {\n');
    expect(written).toContain('      subscriptions: {\n');
    const check = await runBin(['types', target, '--check']);
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
  });

  it('refuses when a table of the phase is already defined, naming it and its file; nothing written', async () => {
    const target = await tempCopy('migrations-users-table');
    const before = await hashTree(target);
    const run = await runBin([target, ...FLAGS, '--append']);
    expect(run.exitCode).toBe(4);
    expect(run.stderr.trim()).toBe(
      'create-saas-db: --append refused: existing migrations already define objects the phase creates: table public.users (20240101000000_users.sql)',
    );
    expect(await hashTree(target)).toEqual(before);
  });

  it('a migration of the repo that fails on the emulation: file, line and message, exit 1, nothing written', async () => {
    const target = await tempCopy('own-signup-0001');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(target, 'supabase/migrations/0003_broken.sql'), 'create table public.broken (\n  id uuid primary kee\n);\n');
    const before = await hashTree(target);
    const run = await runBin([target, ...FLAGS, '--append']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/supabase\/migrations\/0003_broken\.sql:2: syntax error at or near "kee"/);
    expect(await hashTree(target)).toEqual(before);
  });

  it('declarative schemas: the phase is written to supabase/schemas as well, numbered like the repo', async () => {
    const target = await tempCopy('declarative-schema');
    const { result, report } = await runJson([target, ...FLAGS, '--append']);
    expect(result.exitCode, result.stderr).toBe(0);
    const schemaFiles = report.files.filter((f) => f.group === 'schemas');
    expect(schemaFiles.map((f) => [f.path, f.status])).toEqual([
      ['supabase/schemas/02_initial_schema.sql', 'create'],
      ['supabase/schemas/03_rls_policies.sql', 'create'],
    ]);
    const migration = report.files.find((f) => f.group === 'migrations')!.path;
    expect(await readFile(path.join(target, 'supabase/schemas/02_initial_schema.sql'), 'utf8')).toBe(
      await readFile(path.join(target, migration), 'utf8'),
    );
    expect(report.notes.join('\n')).not.toMatch(/seed\.sql/);
  });
});

describe('repos without a Next.js app', () => {
  it.each([['vite-app'], ['backend-only']])('%s: CI requires --web-dir or --no-web, nothing invented', async (fixture) => {
    const target = await tempCopy(fixture);
    const before = await hashTree(target);
    const refused = await runBin([target, ...FLAGS]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim()).toBe(
      'create-saas-db: no Next.js app found (directories with a package.json: .): pass --web-dir <dir> for the app that gets the Supabase clients, or --no-web',
    );
    expect(await hashTree(target)).toEqual(before);

    const { result, report } = await runJson([target, ...FLAGS, '--no-web', '--append']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report.files.some((f) => f.group === 'web' || f.group === 'dependencies' || f.path.startsWith('apps/'))).toBe(false);
    expect(report.files.filter((f) => f.group === 'migrations').every((f) => f.status === 'create')).toBe(true);
    await expectOnlyAdded(target, before, []);
  });

  it('an app in nextjs/ outside any workspace is listed first as a candidate', async () => {
    const target = await tempCopy('vite-app');
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(path.join(target, 'nextjs'));
    await writeFile(path.join(target, 'nextjs/package.json'), JSON.stringify({ name: 'site', dependencies: { next: '^16.0.0' } }));
    const refused = await runBin([target, ...FLAGS]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/directories with a package\.json: nextjs, \./);
    const chosen = await runJson([target, ...FLAGS, '--web-dir', 'nextjs']);
    expect(chosen.result.exitCode, chosen.result.stderr).toBe(0);
    expect(statuses(chosen.report)['nextjs/proxy.ts']).toBe('create');
  });
});
