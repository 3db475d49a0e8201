import { chmod, mkdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PackageManager } from '../../src/detect/facts.js';
import { filesCheck } from '../../src/verify/phase-04/files-check.js';
import { pythonCheck } from '../../src/verify/phase-04/python-check.js';
import { typescriptCheck } from '../../src/verify/phase-04/typescript-check.js';
import { repoContextFor } from '../../src/verify/verify.js';
import type { RepoContext } from '../../src/verify/types.js';
import { barePython } from '../python/backend.js';
import { copyRepo, editRepoFile, generatedRepo, removeTempDirs, tempDir, writeRepoFile } from './helpers/repo.js';

/**
 * The findings of the repo-level checks, run in-process from src/ on broken copies of a freshly
 * generated repo: the exact reason, messages and locations each defect is reported with.
 */
let good: string;

beforeAll(async () => {
  good = await generatedRepo();
});

afterAll(removeTempDirs);

/** The context verify builds for a repo, as `verify-phase 04 <root> [--python <python>]` would. */
function contextOf(root: string, python: string | null = null): Promise<RepoContext> {
  return repoContextFor({ root, dbUrl: null, grants: ['legacy', 'current'], skip: [], strict: false, advisors: 'warn', python });
}

const MIGRATIONS = 'supabase/migrations';

describe('files: the phase migrations', () => {
  it('a missing phase migration is reported with a placeholder for its version', async () => {
    const repo = await copyRepo(good, 'no-rls-migration');
    await rm(path.join(repo, MIGRATIONS, '00002_rls_policies.sql'));

    expect(await filesCheck.run(await contextOf(repo))).toEqual({
      status: 'fail',
      summary: "1 problem with the phase's files",
      findings: [{ message: 'missing supabase/migrations/<version>_rls_policies.sql' }],
      warnings: [],
    });
  });

  it('a migration whose name only ends like a phase migration does not stand in for it', async () => {
    const repo = await copyRepo(good, 'lookalike-migration');
    await rm(path.join(repo, MIGRATIONS, '00002_rls_policies.sql'));
    await writeRepoFile(repo, `${MIGRATIONS}/00003_tighten_rls_policies.sql`, 'alter table public.jobs force row level security;\n');

    expect(await filesCheck.run(await contextOf(repo))).toMatchObject({
      status: 'fail',
      findings: [{ message: 'missing supabase/migrations/<version>_rls_policies.sql' }],
    });
  });

  it('phase migrations whose versions sort against their order fail, named in the order they must apply', async () => {
    const repo = await copyRepo(good, 'migrations-reordered');
    await rename(path.join(repo, MIGRATIONS, '00001_initial_schema.sql'), path.join(repo, MIGRATIONS, '00003_initial_schema.sql'));

    expect(await filesCheck.run(await contextOf(repo))).toEqual({
      status: 'fail',
      summary: "1 problem with the phase's files",
      findings: [
        { message: '00003_initial_schema.sql, 00002_rls_policies.sql must apply in this order, but their versions sort otherwise' },
      ],
      warnings: [],
    });
  });

  it('an earlier migration whose name ends like a phase migration does not put the phase out of order', async () => {
    const repo = await copyRepo(good, 'earlier-lookalike');
    await writeRepoFile(repo, `${MIGRATIONS}/00000_draft_rls_policies.sql`, 'select 1;\n');

    expect(await filesCheck.run(await contextOf(repo))).toEqual({ status: 'pass', warnings: [] });
  });
});

describe('files: what the phase files mean, not their names', () => {
  const PROXY = 'apps/web/proxy.ts';

  /** A copy without the phase's session module, its root proxy.ts replaced by `proxy`. */
  async function ownProxyRepo(label: string, proxy: string, extra: Record<string, string> = {}): Promise<string> {
    const repo = await copyRepo(good, label);
    await rm(path.join(repo, 'apps/web/lib/supabase/proxy.ts'));
    await writeRepoFile(repo, PROXY, proxy);
    for (const [file, text] of Object.entries(extra)) {
      await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
      await writeRepoFile(repo, file, text);
    }
    return repo;
  }

  const OWN_REFRESH = [
    "import { createServerClient as makeClient } from '@supabase/ssr';",
    "import { NextResponse, type NextRequest } from 'next/server';",
    '',
    '// updateSession is not used here: this file refreshes the session itself.',
    'export async function proxy(request: NextRequest) {',
    '  let response = NextResponse.next({ request });',
    '  const supabase = makeClient(process.env.NEXT_PUBLIC_SUPABASE_URL!, process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!, {',
    '    cookies: {',
    '      getAll: () => request.cookies.getAll(),',
    '      setAll(cookies) {',
    '        response = NextResponse.next({ request });',
    '        for (const { name, value, options } of cookies) response.cookies.set(name, value, options);',
    '      },',
    '    },',
    '  });',
    '  await supabase.auth.getUser();',
    '  return response;',
    '}',
    '',
  ].join('\n');

  it("passes a repo whose own proxy.ts refreshes the session with @supabase/ssr, without the phase's session module", async () => {
    const repo = await ownProxyRepo('own-proxy', OWN_REFRESH);
    expect(await filesCheck.run(await contextOf(repo))).toEqual({ status: 'pass', warnings: [] });
  });

  it('passes a proxy.ts that refreshes through a module it imports with the @/ alias', async () => {
    const repo = await ownProxyRepo(
      'own-proxy-module',
      "import type { NextRequest } from 'next/server';\nimport { refreshAuth } from '@/utils/supabase/refresh';\n\nexport const proxy = (request: NextRequest) => refreshAuth(request);\n",
      {
        'apps/web/utils/supabase/refresh.ts': OWN_REFRESH.replace(
          'export async function proxy',
          'export async function refreshAuth',
        ).replace('getUser', 'getClaims'),
      },
    );
    expect(await filesCheck.run(await contextOf(repo))).toEqual({ status: 'pass', warnings: [] });
  });

  it('a proxy.ts that makes a client but never asks for the user is said to never refresh, naming where the client is made', async () => {
    const repo = await ownProxyRepo(
      'own-proxy-no-refresh',
      OWN_REFRESH.replace('  await supabase.auth.getUser();\n', "  void supabase.from('users');\n"),
    );
    expect(await filesCheck.run(await contextOf(repo))).toMatchObject({
      status: 'fail',
      findings: [
        { message: 'missing apps/web/lib/supabase/proxy.ts' },
        {
          message: `creates a Supabase client with createServerClient (${PROXY}) but never calls auth.getUser() or auth.getClaims(), which refresh the session: sessions are never refreshed`,
          location: { file: PROXY },
        },
      ],
    });
  });

  it('a getUser() in a comment or a string is not a refresh', async () => {
    const repo = await ownProxyRepo(
      'own-proxy-comment',
      OWN_REFRESH.replace(
        '  await supabase.auth.getUser();\n',
        "  // await supabase.auth.getUser();\n  console.log('supabase.auth.getUser()');\n",
      ),
    );
    const outcome = await filesCheck.run(await contextOf(repo));
    expect(outcome.status === 'fail' ? outcome.findings.map((f) => f.message) : []).toContainEqual(
      expect.stringMatching(/never calls auth\.getUser\(\) or auth\.getClaims\(\)/),
    );
  });

  it('a proxy.ts importing a package verify cannot follow is not claimed to never refresh', async () => {
    const repo = await ownProxyRepo('own-proxy-package', "export { proxy } from '@acme/auth/proxy';\n");
    const outcome = await filesCheck.run(await contextOf(repo));
    expect(outcome.status).toBe('fail');
    const messages = outcome.status === 'fail' ? outcome.findings.map((f) => f.message) : [];
    expect(messages.join('\n')).not.toContain('never refreshed');
    expect(messages).toContainEqual(expect.stringContaining('it could not follow @acme/auth/proxy'));
  });

  it("checks the repo's own lib/supabase modules for the exports the spec names", async () => {
    const repo = await copyRepo(good, 'own-clients');
    await writeRepoFile(repo, 'apps/web/lib/supabase/client.ts', 'export const browserClient = () => null;\n');
    await writeRepoFile(
      repo,
      'apps/web/lib/supabase/admin.ts',
      'function createAdminClient() {\n  return null;\n}\nexport { createAdminClient };\n',
    );
    await writeRepoFile(
      repo,
      'apps/web/lib/supabase/server.ts',
      '// export function createClient() {}\nexport async function createServerSideClient() {}\n',
    );
    expect(await filesCheck.run(await contextOf(repo))).toEqual({
      status: 'fail',
      summary: "2 problems with the phase's files",
      findings: [
        { message: "does not export createClient, the spec's client client", location: { file: 'apps/web/lib/supabase/client.ts' } },
        { message: "does not export createClient, the spec's server client", location: { file: 'apps/web/lib/supabase/server.ts' } },
      ],
      warnings: [],
    });
  });

  it("does not take a repo's own 00001_initial_schema.sql for the phase's", async () => {
    const repo = await copyRepo(good, 'own-initial-schema');
    await writeRepoFile(
      repo,
      `${MIGRATIONS}/00001_initial_schema.sql`,
      'create table public.profiles (id uuid primary key references auth.users on delete cascade, username text);\n',
    );
    expect(await filesCheck.run(await contextOf(repo))).toMatchObject({
      status: 'fail',
      findings: [
        {
          message:
            "missing supabase/migrations/<version>_initial_schema.sql (00001_initial_schema.sql is the repo's own: it creates no table or policy on users, subscriptions, jobs, assets, subscription_audit)",
        },
      ],
    });
  });
});

describe('files: the pgTAP tests', () => {
  it('a repo without supabase/tests misses the tests directory', async () => {
    const repo = await copyRepo(good, 'no-tests-dir');
    await rm(path.join(repo, 'supabase/tests'), { recursive: true });

    expect(await filesCheck.run(await contextOf(repo))).toEqual({
      status: 'fail',
      summary: "1 problem with the phase's files",
      findings: [{ message: 'missing supabase/tests/database/ (the pgTAP tests)' }],
      warnings: [],
    });
  });

  it('a tests directory without any .sql file fails', async () => {
    const repo = await copyRepo(good, 'no-test-file');
    await rm(path.join(repo, 'supabase/tests/database'), { recursive: true });
    await mkdir(path.join(repo, 'supabase/tests/database'));
    await writeRepoFile(repo, 'supabase/tests/database/README.md', 'Tests go here.\n');

    expect(await filesCheck.run(await contextOf(repo))).toEqual({
      status: 'fail',
      summary: "1 problem with the phase's files",
      findings: [{ message: 'supabase/tests/database/ holds no .sql test file' }],
      warnings: [],
    });
  });
});

const LOCKFILES: Record<PackageManager, string> = {
  npm: 'package-lock.json',
  pnpm: 'pnpm-lock.yaml',
  yarn: 'yarn.lock',
  bun: 'bun.lock',
};

/** Everything the generated web files import, `typescript` first: none is installed. */
const ALL_MISSING = 'typescript, @supabase/ssr, @supabase/supabase-js, next, server-only';

/** A copy of the generated repo with nothing installed, its package manager told only by a lockfile. */
async function uninstalledRepo(label: string, manager: PackageManager): Promise<string> {
  const repo = await copyRepo(good, label);
  await rm(path.join(repo, 'apps/web/node_modules'));
  await rm(path.join(repo, 'pnpm-lock.yaml'));
  const manifest = JSON.parse(await readFile(path.join(repo, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete manifest['packageManager'];
  await writeRepoFile(repo, 'package.json', JSON.stringify(manifest, null, 2));
  await writeRepoFile(repo, LOCKFILES[manager], '');
  return repo;
}

/** Removes packages from the web app's package.json, wherever they are declared. */
async function undeclare(repo: string, ...names: string[]): Promise<void> {
  const file = path.join(repo, 'apps/web/package.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, string> | undefined>;
  for (const name of names) {
    if (!(name in (manifest['dependencies'] ?? {})) && !(name in (manifest['devDependencies'] ?? {})))
      throw new Error(`${name} is not declared`);
    delete manifest['dependencies']?.[name];
    delete manifest['devDependencies']?.[name];
  }
  await writeRepoFile(repo, 'apps/web/package.json', JSON.stringify(manifest, null, 2));
}

describe('typescript: skipped with the install command of the detected package manager', () => {
  it.each([
    ['npm', 'npm install'],
    ['yarn', 'yarn install'],
    ['bun', 'bun install'],
  ] as const)('with a %s lockfile and every package declared: `%s` in the app', async (manager, install) => {
    const repo = await uninstalledRepo(`${manager}-install`, manager);

    expect(await typescriptCheck.run(await contextOf(repo))).toEqual({
      status: 'skip',
      reason: `${ALL_MISSING} not installed for the web app: run \`cd apps/web && ${install}\``,
      warnings: [],
    });
  });

  it.each([
    ['npm', 'npm install @supabase/ssr', 'npm install -D typescript'],
    ['pnpm', 'pnpm add @supabase/ssr', 'pnpm add -D typescript'],
    ['yarn', 'yarn add @supabase/ssr', 'yarn add -D typescript'],
    ['bun', 'bun add @supabase/ssr', 'bun add -d typescript'],
  ] as const)('with %s, packages missing from package.json are added: `%s`, and `%s` for the compiler', async (manager, add, addDev) => {
    const repo = await uninstalledRepo(`${manager}-add`, manager);
    await undeclare(repo, '@supabase/ssr', 'typescript');

    expect(await typescriptCheck.run(await contextOf(repo))).toEqual({
      status: 'skip',
      reason: `${ALL_MISSING} not installed for the web app: run \`cd apps/web && ${add}\` and \`cd apps/web && ${addDev}\``,
      warnings: [],
    });
  });
});

const MODULE = 'packages/backend/src/database.py';

/** The interpreter the check finds on its own: the backend's .venv (linked to the repo's venv with supabase). */
const backendVenvPython = (repo: string) => path.join(repo, 'packages/backend/.venv/bin/python');

describe('python: the probe of the real backend module, as findings', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('a module whose settings fail at import: a one-line reason, the traceback at the module', async () => {
    const repo = await copyRepo(good, 'python-import-error');
    await editRepoFile(repo, 'packages/backend/src/config.py', 'ENVIRONMENT: str = "development"', 'STRIPE_WEBHOOK_SECRET: str');

    const outcome = await pythonCheck.run(await contextOf(repo));

    expect(outcome).toEqual({
      status: 'fail',
      summary: `${MODULE} does not import with ${backendVenvPython(repo)}: ValidationError: 1 validation error for Settings`,
      findings: [
        {
          message: expect.stringMatching(/^Traceback \(most recent call last\):\n[\s\S]*\nSTRIPE_WEBHOOK_SECRET\n {2}Field required /),
          location: { file: MODULE },
        },
      ],
      warnings: [],
    });
    if (outcome.status !== 'fail') return;
    expect(outcome.findings[0]?.message).toContain(`/packages/backend/src/config.py", line `);
  });

  it('one difference from the contract: counted in the reason, the call and its problem at the module', async () => {
    const repo = await copyRepo(good, 'python-missing-alias');
    await editRepoFile(repo, MODULE, 'get_supabase = get_supabase_client\n', '');

    expect(await pythonCheck.run(await contextOf(repo))).toEqual({
      status: 'fail',
      summary: '1 DatabaseService call differs from what later phases expect',
      findings: [{ message: 'get_supabase: not defined by the module', location: { file: MODULE } }],
      warnings: [],
    });
  });

  it('requests that differ: each call with the request expected and the one sent', async () => {
    const repo = await copyRepo(good, 'python-wrong-filter');
    await editRepoFile(repo, MODULE, '.update(data).eq("id", job_id)', '.update(data).eq("job_id", job_id)');
    const request = (column: string, id: string, body: object) =>
      JSON.stringify({ method: 'PATCH', path: `/rest/v1/jobs?${column}=eq.${id}`, body });
    const JOB = '22222222-2222-4222-8222-222222222222';
    const MISSING = '99999999-9999-4999-8999-999999999999';

    expect(await pythonCheck.run(await contextOf(repo))).toEqual({
      status: 'fail',
      summary: '2 DatabaseService calls differ from what later phases expect',
      findings: [
        {
          message: `update_job("${JOB}", {"status": "completed", "progress": 100}): sent another request than expected (expected ${request('id', JOB, { status: 'completed', progress: 100 })}, got ${request('job_id', JOB, { status: 'completed', progress: 100 })})`,
          location: { file: MODULE },
        },
        {
          message: `update_job("${MISSING}", {"status": "failed"}): sent another request than expected (expected ${request('id', MISSING, { status: 'failed' })}, got ${request('job_id', MISSING, { status: 'failed' })})`,
          location: { file: MODULE },
        },
      ],
      warnings: [],
    });
  });

  it('a backend .venv without supabase: the module compiles, and the check skips saying what to install', async () => {
    const repo = await copyRepo(good, 'python-no-supabase');
    await rm(path.join(repo, 'packages/backend/.venv'));
    const bare = await barePython(await tempDir('bare-venv'));
    await symlink(path.dirname(path.dirname(bare)), path.join(repo, 'packages/backend/.venv'), 'dir');

    expect(await pythonCheck.run(await contextOf(repo))).toEqual({
      status: 'skip',
      reason:
        `${MODULE} compiles; not imported: ${backendVenvPython(repo)} cannot import supabase and httpx (No module named 'httpx'): ` +
        'install them (pip install "supabase>=2.31,<3") or pass a Python that has them',
      warnings: [],
    });
  });

  it('a --python that does not exist: skipped, naming the path, without claiming the module compiles', async () => {
    const missing = path.join(good, 'no-such-venv', 'bin', 'python');

    expect(await pythonCheck.run(await contextOf(good, missing))).toEqual({
      status: 'skip',
      reason: `Python not found at ${missing}`,
      warnings: [],
    });
  });

  it('an interpreter that dies before answering: a one-line reason, its last words as the finding', async () => {
    // What a venv whose base Python was removed prints at start-up.
    const broken = path.join(await tempDir('broken-python'), 'python');
    await writeRepoFile(
      path.dirname(broken),
      'python',
      "#!/bin/sh\necho 'Fatal Python error: init_fs_encoding: failed to get the Python codec of the filesystem encoding' >&2\necho \"ModuleNotFoundError: No module named 'encodings'\" >&2\nexit 1\n",
    );
    await chmod(broken, 0o755);

    expect(await pythonCheck.run(await contextOf(good, broken))).toEqual({
      status: 'fail',
      summary: `the Python probe failed with ${broken}: ${broken} exited with 1 without an answer: Fatal Python error: init_fs_encoding: failed to get the Python codec of the filesystem encoding`,
      findings: [
        {
          message: `${broken} exited with 1 without an answer: Fatal Python error: init_fs_encoding: failed to get the Python codec of the filesystem encoding\nModuleNotFoundError: No module named 'encodings'`,
        },
      ],
      warnings: [],
    });
  });

  it('no backend .venv and no Python on PATH: skipped, saying where it looked', async () => {
    const repo = await copyRepo(good, 'python-none');
    await rm(path.join(repo, 'packages/backend/.venv'));
    vi.stubEnv('PATH', await tempDir('empty-path'));

    expect(await pythonCheck.run(await contextOf(repo))).toEqual({
      status: 'skip',
      reason: 'no Python interpreter found (looked for the backend .venv, python3, python)',
      warnings: [],
    });
  });
});
