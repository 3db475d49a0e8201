import { execa } from 'execa';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_URL } from '../helpers/db-postgres.js';
import { changedFiles, hashTree, removeTempDirs, repoRoot, tempCopy } from '../helpers/fixtures.js';
import { runBin, runJson, statuses } from '../helpers/run-bin.js';
import { cachedWebDeps } from '../templates/web-app.js';
import { venvPython } from '../python/backend.js';

afterAll(removeTempDirs);

const FLAGS = ['--yes', '--no-install', '--no-types'];

interface Verdict {
  readonly exitCode: number | undefined;
  readonly ok: boolean;
  /** Each check's status, with the reason and findings of one that did not pass. */
  readonly checks: Record<string, string>;
  /** Each check's warnings (the repo's own advisor findings, emulated extensions…). */
  readonly warnings: Record<string, string[]>;
}

/**
 * verify-phase 04 on the embedded engine, every check, as a user runs it after installing: the
 * web app's packages are the cached real ones.
 */
async function verifyVerdict(target: string): Promise<Verdict> {
  await symlink((await cachedWebDeps()).next16, path.join(target, 'node_modules'), 'dir');
  return verdictOf(await runVerify([target]));
}

/**
 * verify-phase 04 --db-url on the local PostgreSQL 15 (a superuser URL: the repo's SQL runs as
 * the run's own role). typescript and python are skipped: they do not use the database, and the
 * embedded run of the same repo checks them.
 */
function verifyOnServer(target: string) {
  return runVerify([target, '--db-url', ADMIN_URL, '--skip', 'typescript,python']);
}

function runVerify(args: string[]) {
  return execa(process.execPath, [path.join(repoRoot, 'bin', 'verify-phase.js'), '04', ...args, '--json'], {
    reject: false,
    stdin: 'ignore',
    timeout: 300_000,
    env: { CI: 'true' },
  });
}

function verdictOf(run: { exitCode?: number; stdout: unknown; stderr: unknown }): Verdict {
  const report = JSON.parse(String(run.stdout)) as {
    ok: boolean;
    checks: Array<{
      name: string;
      status: string;
      reason: string | null;
      findings: Array<{ message: string }>;
      warnings: Array<{ message: string }>;
    }>;
  };
  const checks = Object.fromEntries(
    report.checks.map((c) => [
      c.name,
      c.status === 'pass' ? 'pass' : `${c.status}: ${c.reason}${c.findings.map((f) => `\n  ${f.message}`).join('')}`,
    ]),
  );
  const warnings = Object.fromEntries(report.checks.map((c) => [c.name, c.warnings.map((w) => w.message)]));
  return { exitCode: run.exitCode, ok: report.ok, checks, warnings };
}

/** The embedded engine's note that it is not the project's PostgreSQL version: a server run has none. */
const ENGINE_VERSION_NOTE = /^the embedded engine is PostgreSQL \d+; this project runs PostgreSQL/;

function withoutEngineNote(warnings: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(warnings).map(([check, list]) => [check, list.filter((w) => !ENGINE_VERSION_NOTE.test(w))]));
}

async function serverHas(extension: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query('select 1 from pg_available_extensions where name = $1', [extension]);
    return rows.length > 0;
  } finally {
    await client.end();
  }
}

/** The whole verdict on a repo that passes: every check but python, which has no backend to check. */
const PASSING_VERDICT = {
  files: 'pass',
  migrations: 'pass',
  schema: 'pass',
  rls: 'pass',
  advisors: 'pass',
  seed: 'pass',
  pgtap: 'pass',
  typescript: 'pass',
  python: 'skip: the repo has no Python backend',
};

/** Every file that was there before is byte-identical; the listed ones are the only edits. */
async function expectOnlyAdded(target: string, before: Map<string, string>, edited: string[]) {
  const after = await hashTree(target);
  expect(
    changedFiles(before, after)
      .filter((f) => before.has(f))
      .sort(),
  ).toEqual([...edited].sort());
}

describe('--append into existing Supabase repos', () => {
  // Each is a pattern real repos have; after --append the whole repo still applies and seeds.
  const fixtures = [
    'own-signup-0001',
    'vector-search',
    'storage-avatars',
    'realtime-chat',
    'cron-vault',
    'auth-hook',
    'declarative-schema',
  ];

  it.each(fixtures)(
    '%s: a plain run skips the migrations and what needs them; --append adds them and the repo passes every check, embedded and on --db-url',
    async (fixture) => {
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

      const verdict = await verifyVerdict(target);
      expect(verdict.checks).toEqual(PASSING_VERDICT);
      expect(verdict).toMatchObject({ exitCode: 0, ok: true });

      // The same verdict and messages on a real PostgreSQL 15.
      const onServer = await verifyOnServer(target);
      if (fixture === 'vector-search' && !(await serverHas('vector'))) {
        expect(onServer.exitCode).toBe(2);
        expect(String(onServer.stdout)).toBe('');
        expect(String(onServer.stderr).trim()).toBe(
          'verify-phase: the repo creates extension vector (supabase/migrations/20240301000000_documents.sql:1), which Supabase provides but the --db-url server does not have (not in pg_available_extensions): install it on that server, or run verify-phase without --db-url, whose embedded engine runs it',
        );
        return;
      }
      const server = verdictOf(onServer);
      expect(server.checks).toEqual({ ...PASSING_VERDICT, typescript: 'skip: skipped by --skip', python: 'skip: skipped by --skip' });
      expect(server.warnings).toEqual({ ...withoutEngineNote(verdict.warnings), typescript: [], python: [] });
      expect(server).toMatchObject({ exitCode: 0, ok: true });
    },
  );

  it('--db-url on a server without an extension the repo creates: one line naming each, exit 2, nothing run', async () => {
    const target = await tempCopy('vector-search');
    await writeFile(
      path.join(target, 'supabase/migrations/20240302000000_places.sql'),
      '-- Places near a user.\ncreate extension if not exists postgis with schema extensions;\ncreate extension if not exists pg_cron;\n',
    );
    const lacking = [(await serverHas('vector')) ? null : 'vector', (await serverHas('postgis')) ? null : 'postgis'];
    if (lacking.includes(null)) return; // the server has them: nothing to say
    const run = await verifyOnServer(target);
    expect(run.exitCode).toBe(2);
    expect(String(run.stdout)).toBe('');
    // pg_cron has a stand-in on a server too; postgis has no embedded build either.
    expect(String(run.stderr).trim()).toBe(
      'verify-phase: the repo creates extensions vector (supabase/migrations/20240301000000_documents.sql:1), postgis (supabase/migrations/20240302000000_places.sql:2), which Supabase provides but the --db-url server does not have (not in pg_available_extensions): install them on that server (the embedded engine has no build of postgis either)',
    );
  });

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
    expect(report.files.some((f) => f.group === 'web' || f.path.startsWith('apps/') || f.path === 'package.json')).toBe(false);
    expect(report.files.filter((f) => f.group === 'migrations').every((f) => f.status === 'create')).toBe(true);
    // backend-only keeps a FastAPI app in backend/: the module goes there (see below).
    await expectOnlyAdded(target, before, fixture === 'backend-only' ? ['backend/pyproject.toml'] : []);
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

describe('Python backends outside packages/backend', () => {
  it('the one backend found (api/, Flask, requirements.txt) gets the module and supabase in its requirements; said in the notes', async () => {
    const target = await tempCopy('flask-api');
    const before = await hashTree(target);
    const { result, report } = await runJson([target, ...FLAGS]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report.detected.backendDir).toBe('api');
    const byStatus = statuses(report);
    expect(byStatus['api/src/database.py']).toBe('create');
    expect(byStatus['api/requirements.txt']).toBe('update');
    expect(await readFile(path.join(target, 'api/requirements.txt'), 'utf8')).toBe(
      '# HTTP API for the notes app\nflask==3.0.3\ngunicorn>=22\nsupabase>=2.31,<3\n',
    );
    expect(report.notes).toContain(
      'Python backend found in api: the database module goes to api/src/database.py (--backend-dir <dir> for another, --no-backend for none)',
    );
    expect(report.notes.join('\n')).toMatch(/^api\/src\/config\.py is missing: api\/src\/database\.py imports `settings` from it/m);
    await expectOnlyAdded(target, before, ['api/requirements.txt', 'package.json']);
  });

  it('several backends (services/*): CI requires --backend-dir or --no-backend, listing them; nothing written', async () => {
    const target = await tempCopy('python-services');
    const before = await hashTree(target);
    const refused = await runBin([target, ...FLAGS]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim()).toBe(
      'create-saas-db: several Python backends found (services/billing, services/worker): pass --backend-dir <dir> for the one that gets the database module, or --no-backend',
    );
    expect(await hashTree(target)).toEqual(before);

    const none = await runJson([target, ...FLAGS, '--no-backend']);
    expect(none.result.exitCode, none.result.stderr).toBe(0);
    expect(none.report.files.some((f) => f.path.startsWith('services/'))).toBe(false);
    await expectOnlyAdded(target, before, ['package.json']);
    // verify cannot tell which backend to check either, and says so.
    const run = await execa(
      process.execPath,
      [path.join(repoRoot, 'bin', 'verify-phase.js'), '04', target, '--skip', 'migrations,typescript', '--json'],
      {
        reject: false,
        env: { CI: 'true' },
      },
    );
    const python = (JSON.parse(String(run.stdout)) as { checks: Array<{ name: string; reason: string }> }).checks.find(
      (c) => c.name === 'python',
    );
    expect(python?.reason).toBe(
      'several Python backends (services/billing, services/worker) and none holds src/database.py: pass --backend-dir <dir> for the one to check',
    );
  });

  it('--backend-dir picks one; verify then finds the backend holding the module by itself, and it imports', async () => {
    const target = await tempCopy('python-services');
    const before = await hashTree(target);
    const { result, report } = await runJson([target, ...FLAGS, '--backend-dir', 'services/billing']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(statuses(report)['services/billing/src/database.py']).toBe('create');
    expect(statuses(report)['services/billing/pyproject.toml']).toBe('update');
    expect(report.notes.join('\n')).not.toMatch(/config\.py is missing|Python backend found/);
    await expectOnlyAdded(target, before, ['package.json', 'services/billing/pyproject.toml']);

    await symlink(path.dirname(path.dirname(await venvPython())), path.join(target, 'services/billing/.venv'), 'dir');
    const verdict = await verifyVerdict(target);
    expect(verdict.checks).toEqual({ ...PASSING_VERDICT, python: 'pass' });
  });
});
