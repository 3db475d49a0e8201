import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, copyRepo, editRepoFile, generatedRepo, removeTempDirs, runVerifyJson, writeRepoFile } from './helpers/repo.js';

/** The seed check runs the files `[db.seed]` makes `supabase db reset` load (detect/seed-paths.ts). */
describe('verify and [db.seed] in supabase/config.toml', () => {
  let base: string;
  beforeAll(async () => {
    base = await generatedRepo();
  });
  afterAll(removeTempDirs);

  const SKIP = ['--grants', 'current', '--skip', 'rls,advisors,pgtap,typescript,python'];

  it('runs a seed a glob names beside supabase/, and names it when it fails', async () => {
    const repo = await copyRepo(base, 'seed-outside');
    await editRepoFile(repo, 'supabase/config.toml', 'sql_paths = ["./seed.sql"]', 'sql_paths = ["./seed.sql", "../db/seeds/*.sql"]');
    await mkdir(path.join(repo, 'db', 'seeds'), { recursive: true });
    await writeRepoFile(repo, 'db/seeds/10_plans.sql', "select length(extensions.crypt('pw', extensions.gen_salt('bf')));\n");
    await writeRepoFile(repo, 'db/seeds/20_broken.sql', 'insert into public.no_such_table values (1);\n');
    const { report } = await runVerifyJson(['04', repo, ...SKIP]);
    const seed = check(report, 'seed');
    expect(seed.status).toBe('fail');
    expect(seed.reason).toBe('db/seeds/20_broken.sql does not apply after the migrations');
    expect(JSON.stringify(seed.findings)).toMatch(/no_such_table/);
  });

  it('with seeding turned off, runs the phase seed and warns that db reset will not load it', async () => {
    const repo = await copyRepo(base, 'seed-off');
    await editRepoFile(repo, 'supabase/config.toml', /\[db\.seed\]\nenabled = true/, '[db.seed]\nenabled = false');
    const { report } = await runVerifyJson(['04', repo, ...SKIP]);
    const seed = check(report, 'seed');
    expect(seed.status).toBe('pass');
    expect(seed.warnings.map((w) => w.message)).toContain('[db.seed] enabled = false: supabase db reset will not load supabase/seed.sql');
  });
});
