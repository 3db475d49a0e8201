import { afterAll, describe, expect, it } from 'vitest';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { detectProject } from '../../src/detect/index.js';
import { catalogEntry, majorFromRange } from '../../src/detect/next-version.js';
import { readConfigToml } from '../../src/detect/supabase-dir.js';

const seedSqlPaths = (toml: string) => readConfigToml(toml).seedPaths;
import { removeTempDirs, tempCopy } from '../helpers/fixtures.js';

afterAll(removeTempDirs);

describe('detectProject', () => {
  it('reads the guide phase-03 monorepo', async () => {
    const facts = await detectProject(await tempCopy('phase03-monorepo'));
    expect(facts.packageManager).toBe('pnpm');
    expect(facts.isWorkspace).toBe(true);
    expect(facts.isNewRepo).toBe(false);
    expect(facts.web).toMatchObject({
      dir: 'apps/web',
      codeDir: 'apps/web',
      usesSrcDir: false,
      nextMajor: 16,
      nextMajorSource: 'package.json',
      hasSupabaseLib: false,
    });
    expect(facts.web.envModule).toMatchObject({ file: 'apps/web/lib/env.ts', exportsPublicEnv: true, exportsEnv: true });
    expect(facts.web.envModule?.keys).toEqual(
      expect.arrayContaining(['NEXT_PUBLIC_SUPABASE_URL', 'NEXT_PUBLIC_SUPABASE_ANON_KEY', 'SUPABASE_SERVICE_ROLE_KEY']),
    );
    expect(facts.backend).toEqual({
      dir: 'packages/backend',
      source: 'guide',
      hasPyproject: true,
      hasRequirements: false,
      hasConfig: true,
      dependsOnSupabase: false,
    });
    expect(facts.supabase).toMatchObject({ hasConfigToml: true, seedPaths: ['./seed.sql'], migrationsDir: 'absent', naming: null });
    expect(facts.scaffoldConfig).toEqual({
      file: 'scaffold-config.json',
      projectName: 'acme-saas',
      tiers: ['free', 'pro', 'studio', 'enterprise'],
    });
    expect(facts.typesPackageFile).toBe('packages/types/src/database.ts');
  });

  it('reads a single Next 15 app with src/ and npm', async () => {
    const facts = await detectProject(await tempCopy('next15-src-npm'));
    expect(facts.packageManager).toBe('npm');
    expect(facts.isWorkspace).toBe(false);
    expect(facts.web).toMatchObject({ dir: '', codeDir: 'src', usesSrcDir: true, nextMajor: 15, envModule: null });
    expect(facts.backend).toBeNull();
  });

  it('treats an empty directory as a new repo with the guide layout', async () => {
    const facts = await detectProject(await tempCopy(null));
    expect(facts.isNewRepo).toBe(true);
    expect(facts.web.dir).toBe('apps/web');
    expect(facts.web.nextMajor).toBe(16);
    expect(facts.backend?.dir).toBe('packages/backend');
  });

  it('detects migration naming and ignores files the CLI ignores', async () => {
    const ts = await detectProject(await tempCopy('migrations-timestamp'));
    expect(ts.supabase.naming).toBe('timestamp');
    expect(ts.supabase.migrations.map((m) => m.version)).toEqual(['20250301093000', '20250415120000']);
    const seq = await detectProject(await tempCopy('migrations-sequential'));
    expect(seq.supabase.naming).toBe('sequential');
    expect(seq.supabase.ignoredMigrationFiles).toEqual(['README.sql']);
  });

  it('reports an upper-case .SQL migration as ignored (the CLI ignores it too)', async () => {
    const dir = await tempCopy('migrations-sequential');
    await writeFile(path.join(dir, 'supabase/migrations/00003_init.SQL'), 'select 1;');
    const facts = await detectProject(dir);
    expect(facts.supabase.ignoredMigrationFiles).toEqual(['00003_init.SQL', 'README.sql']);
    expect(facts.supabase.migrations.map((m) => m.name)).toEqual(['00001_teams.sql', '00002_team_slug.sql']);
  });

  it('detects yarn and bun from lockfiles, and packageManager over lockfiles', async () => {
    expect((await detectProject(await tempCopy('yarn-app'))).packageManager).toBe('yarn');
    expect((await detectProject(await tempCopy('bun-app'))).packageManager).toBe('bun');
    const dir = await tempCopy('yarn-app');
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ packageManager: 'bun@1.2.0', dependencies: { next: '16.0.0' } }));
    expect((await detectProject(dir)).packageManager).toBe('bun');
  });

  it('prefers the installed next over the declared range', async () => {
    const dir = await tempCopy('next15-src-npm');
    await mkdir(path.join(dir, 'node_modules', 'next'), { recursive: true });
    await writeFile(path.join(dir, 'node_modules', 'next', 'package.json'), JSON.stringify({ name: 'next', version: '16.2.1' }));
    expect((await detectProject(dir)).web).toMatchObject({ nextMajor: 16, nextMajorSource: 'installed' });
  });

  it('falls back to the session file that exists', async () => {
    const dir = await tempCopy('own-middleware');
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', dependencies: { next: 'workspace:*' } }));
    expect((await detectProject(dir)).web).toMatchObject({ nextMajor: 15, nextMajorSource: 'files', middlewareFile: 'middleware.ts' });
  });

  it('lists several candidate apps instead of guessing', async () => {
    const dir = await tempCopy(null);
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ workspaces: ['apps/*'] }));
    for (const app of ['site', 'dashboard']) {
      await mkdir(path.join(dir, 'apps', app), { recursive: true });
      await writeFile(path.join(dir, 'apps', app, 'package.json'), JSON.stringify({ dependencies: { next: '^16.0.0' } }));
    }
    await expect(detectProject(dir)).rejects.toThrow(/several Next.js apps found \(apps\/dashboard, apps\/site\): pass --web-dir/);
    expect((await detectProject(dir, { webDir: 'apps/site' })).web.dir).toBe('apps/site');
  });

  it('flags a supabase/ symlink that leaves the target', async () => {
    const dir = await tempCopy(null);
    const outside = await tempCopy(null);
    await symlink(outside, path.join(dir, 'supabase'));
    expect((await detectProject(dir)).supabase.escapesRoot).toBe(true);
  });
});

describe('next version ranges', () => {
  it('reads majors from ranges, latest and catalogs', async () => {
    const dir = await tempCopy(null);
    await writeFile(
      path.join(dir, 'pnpm-workspace.yaml'),
      'packages:\n  - apps/*\ncatalog:\n  next: ^16.1.0\n  react: 19.0.0\ncatalogs:\n  legacy:\n    next: 15.3.0\n',
    );
    expect(await majorFromRange('^16.1.0', dir)).toBe(16);
    expect(await majorFromRange('~15.2', dir)).toBe(15);
    expect(await majorFromRange('latest', dir)).toBe(16);
    expect(await majorFromRange('workspace:*', dir)).toBeNull();
    expect(await majorFromRange('catalog:', dir)).toBe(16);
    expect(await majorFromRange('catalog:legacy', dir)).toBe(15);
    expect(await majorFromRange('catalog:missing', dir)).toBeNull();
    expect(catalogEntry('catalog:\n  "next": "^15.0.0" # pinned\n', '', 'next')).toBe('^15.0.0');
  });
});

describe('config.toml seed paths', () => {
  it('reads [db.seed] sql_paths', () => {
    expect(seedSqlPaths('[db]\nport = 1\n[db.seed]\nenabled = true\nsql_paths = ["./seed.sql", "./more/*.sql"]\n[api]\n')).toEqual([
      './seed.sql',
      './more/*.sql',
    ]);
    expect(seedSqlPaths('[db]\nport = 1\n')).toBeNull();
    expect(seedSqlPaths('[db.seed]\nsql_paths = []\n')).toEqual([]);
  });

  it('reads config.toml with a TOML parser: a [db.seed] followed by 100,000 blank lines, quotes and comments', () => {
    expect(seedSqlPaths(`[db.seed]${'\n'.repeat(100_000)}sql_paths = ['./seeds/a.sql'] # ours\n`)).toEqual(['./seeds/a.sql']);
    expect(seedSqlPaths('[db.seed]\nenabled = true\n# sql_paths = ["./commented.sql"]\n')).toBeNull();
    expect(seedSqlPaths('[db]\nseed = { sql_paths = ["./inline.sql"] }\n')).toEqual(['./inline.sql']);
    expect(seedSqlPaths('[db.seed]\nsql_paths = [\n  "./a.sql",\n  "./b\\"q.sql",\n]\n')).toEqual(['./a.sql', './b"q.sql']);
  });

  it('a config.toml that is not TOML is an error with the position, not its content', () => {
    expect(() => seedSqlPaths('[db.seed\nsecret = "hunter2"\n')).toThrow(
      /^supabase\/config\.toml is not valid TOML \(line 1, column \d+: [^)]*\): fix it and run again$/,
    );
    expect(() => seedSqlPaths('[db.seed\nsecret = "hunter2"\n')).not.toThrow(/hunter2|db\.seed/);
  });
});
