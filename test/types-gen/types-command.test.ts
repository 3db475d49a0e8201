import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runTypesCli } from '../../src/cli/types-command.js';
import { typesForMigrations } from '../../src/types-gen/index.js';
import { ADD_COLUMN_MIGRATION, INIT_MIGRATION } from './support/migrations.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: string[], cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, env: {}, cwd };
  const code = await runTypesCli(argv, io);
  return { code, stdout, stderr };
}

const repos: string[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A repo with a Next.js app in apps/web and the given migrations. */
async function makeRepo(migrations: { name: string; sql: string }[], options: { typesPackage?: boolean } = {}) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'types-cli-'));
  repos.push(root);
  await mkdir(path.join(root, 'apps', 'web', 'app'), { recursive: true });
  await writeFile(path.join(root, 'apps', 'web', 'package.json'), JSON.stringify({ dependencies: { next: '^16.1.0' } }));
  await mkdir(path.join(root, 'supabase', 'migrations'), { recursive: true });
  for (const m of migrations) await writeFile(path.join(root, 'supabase', 'migrations', m.name), m.sql);
  if (options.typesPackage) await mkdir(path.join(root, 'packages', 'types', 'src'), { recursive: true });
  return root;
}

const WEB_TYPES = path.join('apps', 'web', 'lib', 'supabase', 'database.types.ts');

describe('create-saas-db types', () => {
  it("writes the web app's database.types.ts from the migrations, then leaves it alone", async () => {
    const root = await makeRepo([INIT_MIGRATION]);
    const first = await run([], root);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toBe(`wrote ${WEB_TYPES} (2 tables, 0 views, 0 functions, 0 enums, 0 composite types)\n`);
    const written = await readFile(path.join(root, WEB_TYPES), 'utf8');
    expect(written).toBe(await typesForMigrations([INIT_MIGRATION], { literalUnions: true }));

    const second = await run([], root);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/unchanged/);
    expect(await readFile(path.join(root, WEB_TYPES), 'utf8')).toBe(written);
  });

  it("writes the guide's types package file when packages/types exists", async () => {
    const root = await makeRepo([INIT_MIGRATION], { typesPackage: true });
    const result = await run(['.'], root);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote packages\/types\/src\/database\.ts /);
    expect(await readFile(path.join(root, 'packages/types/src/database.ts'), 'utf8')).toContain('export type Database');
  });

  it('takes the repo directory as an argument and --out relative to the working directory', async () => {
    const root = await makeRepo([INIT_MIGRATION]);
    const result = await run([root, '--out', 'generated/db.ts', '--no-literal-unions'], path.dirname(root));
    expect(result.code).toBe(0);
    const written = await readFile(path.join(path.dirname(root), 'generated', 'db.ts'), 'utf8');
    await rm(path.join(path.dirname(root), 'generated'), { recursive: true, force: true });
    expect(written).toContain('          subscription_tier: string\n');
  });

  it('follows --web-dir for the default location', async () => {
    const root = await makeRepo([INIT_MIGRATION]);
    await mkdir(path.join(root, 'apps', 'site', 'src', 'app'), { recursive: true });
    const result = await run(['--web-dir', 'apps/site'], root);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote apps\/site\/src\/lib\/supabase\/database\.types\.ts /);
  });

  it('--check passes when up to date and fails with a short diff when a migration added a column', async () => {
    const root = await makeRepo([INIT_MIGRATION]);
    expect((await run([], root)).code).toBe(0);
    const upToDate = await run(['--check'], root);
    expect(upToDate).toMatchObject({ code: 0, stderr: '' });
    expect(upToDate.stdout).toBe(`${WEB_TYPES} is up to date with 1 migration\n`);

    await writeFile(path.join(root, 'supabase', 'migrations', ADD_COLUMN_MIGRATION.name), ADD_COLUMN_MIGRATION.sql);
    const before = await readFile(path.join(root, WEB_TYPES), 'utf8');
    const drift = await run(['--check'], root);
    expect(drift.code).toBe(1);
    expect(drift.stderr).toContain(`${WEB_TYPES} differs from the types the migrations produce`);
    expect(drift.stderr).toContain(`--- a/${WEB_TYPES}\n+++ b/${WEB_TYPES}\n@@ -`);
    expect(drift.stderr).toMatch(/^\+ {10}nickname: string \| null$/m);
    expect(drift.stderr.split('\n').length).toBeLessThan(50);
    // --check never writes.
    expect(await readFile(path.join(root, WEB_TYPES), 'utf8')).toBe(before);
  });

  it('--check fails when the file is missing, and ignores CRLF line endings', async () => {
    const root = await makeRepo([INIT_MIGRATION]);
    const missing = await run(['--check'], root);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('is missing');

    const expected = await typesForMigrations([INIT_MIGRATION], { literalUnions: true });
    await mkdir(path.dirname(path.join(root, WEB_TYPES)), { recursive: true });
    await writeFile(path.join(root, WEB_TYPES), expected.replace(/\n/g, '\r\n'));
    expect((await run(['--check'], root)).code).toBe(0);
  });

  it('exits 2 on usage errors and when there are no migrations', async () => {
    const root = await makeRepo([]);
    const unknownFlag = await run(['--bogus'], root);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/unknown option '--bogus'/);
    expect((await run(['a', 'b'], root)).code).toBe(2);
    const empty = await run([], root);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no <version>_<name>\.sql files/);
    await rm(path.join(root, 'supabase'), { recursive: true });
    expect((await run([], root)).stderr).toMatch(/no supabase\/migrations directory/);
  });

  it('refuses a --web-dir outside the repo, and an --out under a file, as bad input', async () => {
    const root = await makeRepo([INIT_MIGRATION]);
    const outside = await run(['--web-dir', '../elsewhere'], root);
    expect(outside).toMatchObject({
      code: 2,
      stderr: 'create-saas-db types: --web-dir ../elsewhere: must be a path inside the target directory\n',
    });
    await writeFile(path.join(root, 'a-file'), '');
    const blocked = await run(['--out', 'a-file/db.ts'], root);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/^create-saas-db types: .*a-file is a file, not a directory\n$/);
    expect(await readFile(path.join(root, 'a-file'), 'utf8')).toBe('');
  });

  it('exits 1 naming the migration when one fails to apply', async () => {
    const root = await makeRepo([INIT_MIGRATION, { name: '00002_broken.sql', sql: 'alter table public.nope add column x int;' }]);
    const result = await run([], root);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/00002_broken\.sql/);
    expect(result.stderr).toMatch(/nope/);
  });

  it('prints help and exits 0', async () => {
    const result = await run(['--help'], os.tmpdir());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--no-literal-unions/);
    expect(result.stdout).toMatch(/--check/);
  });
});
