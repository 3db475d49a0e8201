import { afterAll, describe, expect, it } from 'vitest';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { changedFiles, hashTree, removeTempDirs, snapshotTree, tempCopy } from '../helpers/fixtures.js';
import { runBin, runJson, statuses } from '../helpers/run-bin.js';

afterAll(removeTempDirs);

const SPEC_FILES = [
  'supabase/migrations/00001_initial_schema.sql',
  'supabase/migrations/00002_rls_policies.sql',
  'supabase/seed.sql',
  'apps/web/lib/supabase/client.ts',
  'apps/web/lib/supabase/server.ts',
  'apps/web/lib/supabase/admin.ts',
  'apps/web/lib/supabase/proxy.ts',
  'apps/web/proxy.ts',
  'packages/backend/src/database.py',
];

const migrationHashes = async (dir: string) =>
  new Map([...(await hashTree(dir))].filter(([file]) => file.startsWith('supabase/migrations/')));

describe('create-saas-db on a new directory', () => {
  it('writes the phase files, then a rerun changes nothing', async () => {
    const parent = await tempCopy(null);
    const target = path.join(parent, 'my-app');
    // The install a new directory gets is checked in new-project.test.ts.
    const first = await runJson([target, '--yes', '--no-install', '--no-types']);
    expect(first.result.exitCode, first.result.stderr).toBe(0);
    const created = first.report.files.filter((f) => f.status === 'create').map((f) => f.path);
    expect(created).toEqual(expect.arrayContaining(SPEC_FILES));
    expect(created.some((p) => p.startsWith('supabase/tests/database/'))).toBe(true);
    const tree = await hashTree(target);
    expect([...tree.keys()].sort()).toEqual([...created].sort());

    const migrations = await migrationHashes(target);
    const rerun = await runJson([target, '--yes', '--no-install', '--no-types']);
    expect(rerun.result.exitCode).toBe(0);
    const byStatus = statuses(rerun.report);
    // The spec's skip rules apply to a rerun too: migrations and lib/supabase exist now.
    for (const [file, status] of Object.entries(byStatus)) {
      const skipped = file.startsWith('supabase/migrations/') || file.startsWith('apps/web/');
      expect(status, file).toBe(skipped ? 'skip' : 'unchanged');
    }
    expect(await hashTree(target)).toEqual(tree);
    expect(await migrationHashes(target)).toEqual(migrations);
  });

  it('--dry-run prints the plan a real run executes, and writes nothing', async () => {
    const dry = await tempCopy('phase03-monorepo');
    const real = await tempCopy('phase03-monorepo');
    const before = await hashTree(dry);
    const planned = await runJson([dry, '--yes', '--dry-run', '--no-install', '--no-types']);
    expect(planned.result.exitCode).toBe(0);
    expect(await hashTree(dry)).toEqual(before);
    const done = await runJson([real, '--yes', '--no-install', '--no-types']);
    expect(planned.report.files.map((f) => [f.path, f.status])).toEqual(done.report.files.map((f) => [f.path, f.status]));
  });

  it('prints a human report with next steps', async () => {
    const target = await tempCopy(null);
    const run = await runBin([target, '--yes', '--no-install', '--no-types']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/create\s+supabase\/migrations\/00001_initial_schema\.sql/);
    expect(run.stdout).toMatch(/Next steps:[\s\S]*supabase db reset/);
    // A new directory gets supabase/config.toml: no `supabase init` to run.
    expect(run.stdout).toMatch(/create\s+supabase\/config\.toml/);
    expect(run.stdout).not.toMatch(/supabase init/);
    // Not a terminal: no colours, no intro or outro, only the report.
    expect(run.stdout).not.toContain('\x1b[');
    expect(run.stdout).toMatch(/^create-saas-db → /);
    expect(run.stdout).not.toMatch(/written, \d+ skipped/);
  });

  it('FORCE_COLOR colours the report into a pipe; NO_COLOR and --json win over it', async () => {
    const forced = await runBin([await tempCopy(null), '--yes', '--no-install', '--no-types'], { env: { FORCE_COLOR: '1' } });
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toContain('  \x1b[32mcreate\x1b[39m     supabase/seed.sql\n');
    const both = await runBin([await tempCopy(null), '--yes', '--no-install', '--no-types'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(both.stdout).toContain('\n  create     supabase/seed.sql\n');
    expect(both.stdout).not.toContain('\x1b[');
    const json = await runBin([await tempCopy(null), '--yes', '--no-install', '--no-types', '--json'], { env: { FORCE_COLOR: '1' } });
    expect(json.stdout).not.toContain('\x1b[');
    expect(JSON.parse(json.stdout).exitCode).toBe(0);
  });
});

describe('the guide phase-03 monorepo', () => {
  it('adapts to it and leaves every pre-existing file intact except the dependency edits', async () => {
    const target = await tempCopy('phase03-monorepo');
    const before = await hashTree(target);
    const { result, report } = await runJson([target, '--yes', '--no-install', '--no-types']);
    expect(result.exitCode, result.stderr).toBe(0);
    const byStatus = statuses(report);
    for (const file of SPEC_FILES) expect(byStatus[file], file).toBe('create');
    expect(byStatus['apps/web/package.json']).toBe('update');
    expect(byStatus['packages/backend/pyproject.toml']).toBe('update');
    expect(changedFiles(before, await hashTree(target)).sort()).toEqual(['apps/web/package.json', 'packages/backend/pyproject.toml']);
    const manifest = JSON.parse(await readFile(path.join(target, 'apps/web/package.json'), 'utf8'));
    expect(manifest.dependencies).toMatchObject({
      '@supabase/ssr': expect.any(String),
      '@supabase/supabase-js': expect.any(String),
      next: '^16.1.0',
    });
    expect(await readFile(path.join(target, 'packages/backend/pyproject.toml'), 'utf8')).toMatch(/"supabase>=2\.31,<3",\n\]/);
    const client = await readFile(path.join(target, 'apps/web/lib/supabase/client.ts'), 'utf8');
    expect(client).not.toMatch(/from '@\//);
  });

  it('uses the tiers of scaffold-config.json, and --tiers over it', async () => {
    const target = await tempCopy('phase03-monorepo');
    const config = JSON.parse(await readFile(path.join(target, 'scaffold-config.json'), 'utf8'));
    config.payments.tiers = [{ id: 'hobby' }, { id: 'team' }];
    await writeFile(path.join(target, 'scaffold-config.json'), JSON.stringify(config));
    expect((await runBin([target, '--yes', '--no-install', '--no-types'])).exitCode).toBe(0);
    const schema = await readFile(path.join(target, 'supabase/migrations/00001_initial_schema.sql'), 'utf8');
    expect(schema).toContain("'hobby', 'team'");
    expect(schema).not.toContain("'enterprise'");
    const other = await tempCopy('phase03-monorepo');
    expect((await runBin([other, '--yes', '--no-install', '--no-types', '--tiers', 'basic,plus'])).exitCode).toBe(0);
    expect(await readFile(path.join(other, 'supabase/migrations/00001_initial_schema.sql'), 'utf8')).toContain("'basic', 'plus'");
  });
});

describe('existing migrations are never modified', () => {
  for (const mode of [['--yes'], ['--yes', '--force'], ['--yes', '--dry-run'], ['--yes', '--append'], ['--yes', '--append', '--force']]) {
    it(`sequential repo, ${mode.join(' ')}, twice`, async () => {
      const target = await tempCopy('migrations-sequential');
      const before = await migrationHashes(target);
      for (let run = 0; run < 2; run++) {
        const { result } = await runJson([target, ...mode, '--no-install', '--no-types']);
        expect([0, 4]).toContain(result.exitCode);
        const after = await migrationHashes(target);
        for (const [file, hash] of before) expect(after.get(file), file).toBe(hash);
      }
    });
  }

  it('skips the migrations without --append, with the reason', async () => {
    const target = await tempCopy('migrations-sequential');
    const { result, report } = await runJson([target, '--yes', '--no-install', '--no-types']);
    expect(result.exitCode).toBe(0);
    const skipped = report.files.filter((f) => f.group === 'migrations');
    expect(skipped.map((f) => f.status)).toEqual(['skip', 'skip']);
    expect(skipped[0]?.reason).toMatch(/already holds 3 migration file\(s\); pass --append/);
    expect(report.notes.join('\n')).toMatch(/README\.sql does not match/);
  });

  it('--append continues the sequential numbering', async () => {
    const target = await tempCopy('migrations-sequential');
    const { result, report } = await runJson([target, '--yes', '--append', '--no-install', '--no-types']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report.files.filter((f) => f.group === 'migrations').map((f) => [f.path, f.status])).toEqual([
      ['supabase/migrations/00003_initial_schema.sql', 'create'],
      ['supabase/migrations/00004_rls_policies.sql', 'create'],
    ]);
  });

  it('--append never reuses the version of an ignored 00003_init.SQL, and names it in the report', async () => {
    const target = await tempCopy('migrations-sequential');
    await writeFile(path.join(target, 'supabase/migrations/00003_init.SQL'), 'select 1;\n');
    const before = await migrationHashes(target);
    const human = await runBin([target, '--yes', '--append', '--dry-run', '--no-install', '--no-types']);
    expect(human.stdout).toMatch(/00003_init\.SQL does not match/);
    const { result, report } = await runJson([target, '--yes', '--append', '--no-install', '--no-types']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report.files.filter((f) => f.group === 'migrations').map((f) => f.path)).toEqual([
      'supabase/migrations/00004_initial_schema.sql',
      'supabase/migrations/00005_rls_policies.sql',
    ]);
    expect(report.notes.join('\n')).toMatch(
      /supabase\/migrations\/00003_init\.SQL does not match <version>_<name>\.sql: the Supabase CLI ignores it/,
    );
    const after = await migrationHashes(target);
    for (const [file, hash] of before) expect(after.get(file), file).toBe(hash);
  });

  it('--append uses UTC timestamps after the newest timestamped migration', async () => {
    const target = await tempCopy('migrations-timestamp');
    const before = await hashTree(target);
    const { result, report } = await runJson([target, '--yes', '--append', '--no-install', '--no-types']);
    expect(result.exitCode, result.stderr).toBe(0);
    const names = report.files.filter((f) => f.group === 'migrations').map((f) => path.basename(f.path));
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^\d{14}_initial_schema\.sql$/);
    expect(names[1]).toMatch(/^\d{14}_rls_policies\.sql$/);
    expect(names[0]! > '20250415120000_team_indexes.sql').toBe(true);
    expect(names[1]! > names[0]!).toBe(true);
    expect(changedFiles(before, await hashTree(target))).toEqual(['package.json']);
  });

  it('--append is refused when existing migrations already create a phase table', async () => {
    const target = await tempCopy('migrations-users-table');
    const before = await hashTree(target);
    const run = await runBin([target, '--yes', '--append', '--no-install', '--no-types']);
    expect(run.exitCode).toBe(4);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /--append refused: existing migrations already define objects the phase creates: table public\.users \(20240101000000_users\.sql\)/,
    );
    expect(await hashTree(target)).toEqual(before);
  });
});

describe('conflicts', () => {
  it('leaves a differing file alone, exits 3, and --force overwrites it with a backup', async () => {
    const target = await tempCopy(null);
    expect((await runBin([target, '--yes', '--no-types'])).exitCode).toBe(0);
    const seed = path.join(target, 'supabase/seed.sql');
    await writeFile(seed, '-- my own seed\n');
    const conflicted = await runJson([target, '--yes', '--no-types']);
    expect(conflicted.result.exitCode).toBe(3);
    expect(statuses(conflicted.report)['supabase/seed.sql']).toBe('conflict');
    expect(await readFile(seed, 'utf8')).toBe('-- my own seed\n');
    const diff = await runBin([target, '--yes', '--no-types', '--diff']);
    expect(diff.stdout).toMatch(/--- a\/supabase\/seed\.sql\n\+\+\+ b\/supabase\/seed\.sql\n@@ -1 \+1,\d+ @@\n/);
    expect(diff.stdout).toMatch(/^--- my own seed$/m);
    const forced = await runJson([target, '--yes', '--no-types', '--force']);
    expect(forced.result.exitCode).toBe(0);
    expect(forced.report.backups).toEqual([{ path: 'supabase/seed.sql', backup: 'supabase/seed.sql.bak' }]);
    expect(await readFile(path.join(target, 'supabase/seed.sql.bak'), 'utf8')).toBe('-- my own seed\n');
    expect(await readFile(seed, 'utf8')).not.toBe('-- my own seed\n');
  });

  it('a repo with its own middleware.ts on Next 16: no proxy.ts, advice printed, exit 3', async () => {
    const target = await tempCopy('own-middleware');
    const before = await hashTree(target);
    const run = await runBin([target, '--yes', '--no-install', '--no-types']);
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(/conflict\s+proxy\.ts/);
    expect(run.stdout).toContain("import { updateSession } from './lib/supabase/proxy';");
    expect(changedFiles(before, await hashTree(target))).toEqual(['package.json']);
    const after = await hashTree(target);
    expect(after.has('proxy.ts')).toBe(false);
    expect(after.has('lib/supabase/proxy.ts')).toBe(true);
  });

  it("--force never overwrites a root proxy.ts of the user's own: conflict, advice printed, exit 3", async () => {
    const target = await tempCopy('own-middleware');
    await rename(path.join(target, 'middleware.ts'), path.join(target, 'proxy.ts'));
    const before = await snapshotTree(target);
    const { result, report } = await runJson([target, '--yes', '--no-install', '--no-types', '--force']);
    expect(result.exitCode, result.stderr).toBe(3);
    const proxy = report.files.find((f) => f.path === 'proxy.ts');
    expect(proxy?.status).toBe('conflict');
    expect(proxy?.advice?.join('\n')).toContain("import { updateSession } from './lib/supabase/proxy';");
    expect(report.backups).toEqual([]);
    const after = await snapshotTree(target);
    expect(after.get('proxy.ts')).toBe(before.get('proxy.ts'));
    expect(after.has('proxy.ts.bak')).toBe(false);
  });

  it('skips the web client files when lib/supabase already exists', async () => {
    const target = await tempCopy('existing-lib-supabase');
    const before = await hashTree(target);
    const { result, report } = await runJson([target, '--yes', '--no-install', '--no-types']);
    expect(result.exitCode).toBe(0);
    const web = report.files.filter((f) => f.group === 'web');
    expect(web.every((f) => f.status === 'skip')).toBe(true);
    expect(changedFiles(before, await hashTree(target))).toEqual([]);
  });
});
