import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempCopy } from '../helpers/fixtures.js';
import { runBin } from '../helpers/run-bin.js';

afterAll(async () => {
  await removeTempDirs();
});

describe('create-saas-db types (built binary)', () => {
  it('writes, checks, catches drift from a new migration, and updates', async () => {
    // A Next.js app at the repo root with timestamped migrations.
    const dir = await tempCopy('migrations-timestamp');
    const file = path.join(dir, 'lib', 'supabase', 'database.types.ts');

    const missing = await runBin(['types', dir, '--check']);
    expect(missing.exitCode, missing.stderr).toBe(1);

    const write = await runBin(['types', dir]);
    expect(write.exitCode, write.stderr).toBe(0);
    expect(write.stdout).toMatch(/wrote .*lib\/supabase\/database\.types\.ts \(1 table, /);
    expect(await readFile(file, 'utf8')).toContain('      teams: {\n        Row: {\n          id: string\n          name: string\n');

    expect((await runBin(['types', dir, '--check'])).exitCode).toBe(0);

    await writeFile(
      path.join(dir, 'supabase', 'migrations', '20250501000000_team_plan.sql'),
      "alter table public.teams add column plan text not null default 'free' check (plan in ('free', 'pro'));\n",
    );
    const drift = await runBin(['types', dir, '--check']);
    expect(drift.exitCode).toBe(1);
    expect(drift.stderr).toMatch(/^\+ {10}plan: "free" \| "pro"$/m);

    expect((await runBin(['types', dir])).exitCode).toBe(0);
    expect((await runBin(['types', dir, '--check'])).exitCode).toBe(0);
  });

  it("types what a new directory's config.toml exposes: generate writes what types --check expects", async () => {
    const root = path.join(await tempCopy(null), 'new-app');
    const generate = await runBin([root, '--yes', '--no-install']);
    expect(generate.exitCode, generate.stderr).toBe(0);
    const written = await readFile(path.join(root, 'apps', 'web', 'lib', 'supabase', 'database.types.ts'), 'utf8');
    // config.toml exposes public and graphql_public, as supabase init writes it.
    expect(written).toMatch(/^export type Database = \{\n {2}graphql_public: \{\n/m);
    expect(written).toContain('\n  public: {\n');

    const check = await runBin(['types', root, '--check']);
    expect(check.exitCode, check.stderr).toBe(0);
  });

  it('exits 2 on a bad flag', async () => {
    const result = await runBin(['types', '--out']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^create-saas-db types: .*--out/);
  });
});
