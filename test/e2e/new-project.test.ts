import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtBin, removeTempDirs, repoRoot, tempCopy } from '../helpers/fixtures.js';
import { runBin, runJson } from '../helpers/run-bin.js';
import { venvPython } from '../python/backend.js';

afterAll(removeTempDirs);

/** What a new directory receives besides the phase's own files. */
const PROJECT_FILES = [
  '.env.example',
  '.gitignore',
  'apps/web/app/layout.tsx',
  'apps/web/app/page.tsx',
  'apps/web/next.config.ts',
  'apps/web/package.json',
  'apps/web/tsconfig.json',
  'package.json',
  'packages/backend/pyproject.toml',
  'packages/backend/src/__init__.py',
  'packages/backend/src/config.py',
  'supabase/config.toml',
];

const read = (root: string, file: string) => readFile(path.join(root, file), 'utf8');

describe('a new directory', () => {
  let parent: string;
  let root: string;
  let files: Array<{ path: string; group: string; status: string }>;

  beforeAll(async () => {
    parent = await tempCopy(null);
    root = path.join(parent, 'my-app');
    const { result, report } = await runJson([root, '--yes', '--no-install', '--no-types']);
    expect(result.exitCode, result.stderr).toBe(0);
    files = report.files;
  });

  it('gets the project the phase needs, in the guide monorepo layout', async () => {
    const project = files.filter((f) => f.group === 'project');
    expect(project.map((f) => f.path).sort()).toEqual(PROJECT_FILES);
    expect(project.every((f) => f.status === 'create')).toBe(true);
    // npm is the package manager of a new directory: no pnpm-workspace.yaml.
    expect(files.some((f) => f.path === 'pnpm-workspace.yaml')).toBe(false);

    const rootManifest = JSON.parse(await read(root, 'package.json')) as Record<string, unknown>;
    expect(rootManifest).toMatchObject({ name: 'my-app', private: true, workspaces: ['apps/web'] });
    const web = JSON.parse(await read(root, 'apps/web/package.json')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    // The versions the compile and build tests run against (scripts/install-test-deps.sh).
    expect(web.dependencies).toMatchObject({
      next: '16.4.6',
      react: '19.3.1',
      'react-dom': '19.3.1',
      '@supabase/ssr': '0.12.7',
      '@supabase/supabase-js': '2.119.1',
    });
    // The one list of tested versions, which the test installs also read.
    const tested = JSON.parse(await read(repoRoot, 'resources/versions.json'));
    expect(web.dependencies).toEqual(tested.web);
    expect(web.devDependencies).toEqual(tested.webDev);
    expect(web.scripts).toMatchObject({ dev: 'next dev', build: 'next build', start: 'next start' });

    const page = await read(root, 'apps/web/app/page.tsx');
    expect(page).toContain("from '../lib/supabase/server'");
    expect(page).toContain('auth.getClaims()');
    expect(await read(root, 'packages/backend/pyproject.toml')).toMatch(/"supabase>=2\.31,<3",\s+"pydantic-settings>=2\.6,<3",/);
  });

  it('writes supabase/config.toml with the values supabase init writes', async () => {
    const ours = parseToml(await read(root, 'supabase/config.toml')) as Record<string, unknown>;
    const initDir = await mkdtemp(path.join(os.tmpdir(), 'csdb-supabase-init-'));
    try {
      await execa(path.join(repoRoot, 'node_modules', '.bin', 'supabase'), ['init', '--yes'], { cwd: initDir, env: { DO_NOT_TRACK: '1' } });
      const init = parseToml(await read(initDir, 'supabase/config.toml')) as Record<string, unknown>;
      expect(ours['project_id']).toBe('my-app');
      // Every value we write is the one supabase init writes (project_id aside: the directory's name).
      const mismatches = leaves(ours).filter(
        ([key, value]) => key !== 'project_id' && JSON.stringify(value) !== JSON.stringify(at(init, key)),
      );
      expect(mismatches).toEqual([]);
      expect(ours).toMatchObject({
        api: { schemas: ['public', 'graphql_public'] },
        db: { major_version: 17, seed: { sql_paths: ['./seed.sql'] } },
      });
    } finally {
      await rm(initDir, { recursive: true, force: true });
    }
  });

  it('lists in .env.example every variable the generated code reads', async () => {
    const example = await read(root, '.env.example');
    const read_ = new Set<string>();
    for (const file of files.filter((f) => f.path.startsWith('apps/web/') && /\.tsx?$/.test(f.path))) {
      for (const match of (await read(root, file.path)).matchAll(/process\.env\.([A-Z0-9_]+)/g)) read_.add(match[1]!);
    }
    const config = await read(root, 'packages/backend/src/config.py');
    for (const match of config.matchAll(/^ {4}([A-Z0-9_]+): str/gm)) read_.add(match[1]!);
    for (const match of config.matchAll(/AliasChoices\(([^)]*)\)/g))
      for (const name of match[1]!.matchAll(/"([A-Z0-9_]+)"/g)) read_.add(name[1]!);
    expect([...read_].sort()).toEqual(
      expect.arrayContaining(['NEXT_PUBLIC_SUPABASE_URL', 'SUPABASE_SECRET_KEY', 'SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_URL']),
    );
    // Each one is set (NAME=) or, for a legacy name, named beside its current one.
    const missing = [...read_].filter((name) => !new RegExp(`^${name}=`, 'm').test(example) && !example.includes(`legacy ${name}`));
    expect(missing).toEqual([]);
  });

  it('has a settings module that takes the secret key or the legacy service-role key', async () => {
    const python = await venvPython();
    const backend = path.join(root, 'packages', 'backend');
    const keyOf = async (env: Record<string, string>) =>
      (
        await execa(
          python,
          ['-B', '-c', 'from src.config import settings; print(settings.SUPABASE_SECRET_KEY, settings.SUPABASE_SERVICE_ROLE_KEY)'],
          {
            cwd: backend,
            env: { SUPABASE_URL: 'http://127.0.0.1:54321', ...env },
            extendEnv: false,
          },
        )
      ).stdout;
    expect(await keyOf({ SUPABASE_SECRET_KEY: 'sb_secret_a' })).toBe('sb_secret_a sb_secret_a');
    expect(await keyOf({ SUPABASE_SERVICE_ROLE_KEY: 'legacy-jwt' })).toBe('legacy-jwt legacy-jwt');
    const missing = await execa(python, ['-B', '-c', 'import src.config'], {
      cwd: backend,
      env: { SUPABASE_URL: 'http://x' },
      extendEnv: false,
      reject: false,
    });
    expect(missing.exitCode).not.toBe(0);
    expect(String(missing.stderr)).toContain('SUPABASE_SECRET_KEY');
  });

  it('ends with the commands to start it, naming this tool as it was run; the verify command works from the project', async () => {
    const other = path.join(parent, 'second');
    const run = await runBin([other, '--yes', '--no-install', '--no-types'], { cwd: parent });
    expect(run.exitCode, run.stderr).toBe(0);
    const steps = run.stdout
      .slice(run.stdout.indexOf('Next steps:'))
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .filter(Boolean);
    expect(steps[0]).toBe('cd second');
    expect(steps).toEqual(
      expect.arrayContaining([expect.stringMatching(/^cp \.env\.example apps\/web\/\.env\.local/), expect.stringMatching(/^npm run dev/)]),
    );
    const verify = steps.find((s) => s.includes(' verify 04'))!.replace(/\s+#.*$/, '');
    expect(verify).toBe(`node ${builtBin} verify 04`);
    const [node, ...args] = verify.split(' ');
    const result = await execa(node!, [...args, '--skip', 'migrations,schema,rls,advisors,seed,pgtap,typescript,python'], {
      cwd: other,
      reject: false,
    });
    expect(result.exitCode, String(result.stdout) + String(result.stderr)).toBe(0);
  });
});

describe('a new directory, installed', () => {
  it('installs the web app into the root workspace and says so', async () => {
    const root = path.join(await tempCopy(null), 'installed');
    // npm's cache first: the packages are the tested versions the cache already holds.
    const run = await runBin([root, '--yes', '--no-types'], {
      env: { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Dependencies: installed (npm install)');
    const next = JSON.parse(await read(root, 'node_modules/next/package.json')) as { version: string };
    expect(next.version).toBe('16.4.6');
    expect(run.stdout).toMatch(/npm run dev +# the web app/);
  }, 300_000);
});

describe('an existing repo', () => {
  it('gets none of the project files; a backend without src/config.py is told what to add', async () => {
    const repo = await tempCopy('phase03-monorepo');
    await rm(path.join(repo, 'packages', 'backend', 'src', 'config.py'), { force: true });
    const { result, report } = await runJson([repo, '--yes', '--no-install', '--no-types']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report.files.filter((f) => f.group === 'project')).toEqual([]);
    const note = report.notes.find((n) => n.includes('packages/backend/src/config.py is missing'));
    expect(note).toMatch(/pydantic-settings.*SUPABASE_URL: str.*SUPABASE_SECRET_KEY or SUPABASE_SERVICE_ROLE_KEY/);
  });

  it('a directory with files but no package.json is not new: only the phase is written', async () => {
    const dir = await tempCopy(null);
    await writeFile(path.join(dir, 'README.md'), '# mine\n');
    await mkdir(path.join(dir, '.git'));
    const { result, report } = await runJson([dir, '--yes', '--no-install', '--no-types']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report.files.filter((f) => f.group === 'project')).toEqual([]);
  });

  it('an empty directory holding only .git is new', async () => {
    const dir = await tempCopy(null);
    await mkdir(path.join(dir, '.git'));
    const { report } = await runJson([dir, '--yes', '--no-install', '--no-types']);
    expect(
      report.files
        .filter((f) => f.group === 'project')
        .map((f) => f.path)
        .sort(),
    ).toEqual(PROJECT_FILES);
  });
});

/** [dotted key, value] for every non-table value of a parsed TOML document. */
function leaves(table: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  return Object.entries(table).flatMap(([key, value]) => {
    const dotted = prefix ? `${prefix}.${key}` : key;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? leaves(value as Record<string, unknown>, dotted)
      : [[dotted, value] as [string, unknown]];
  });
}

function at(table: Record<string, unknown>, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], table);
}
