import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectProject } from '../../src/detect/index.js';
import { seedFiles, seedPathsInclude } from '../../src/detect/seed-paths.js';
import { removeTempDirs, tempRepoWith } from '../helpers/fixtures.js';

afterAll(removeTempDirs);

const TREE = [
  'supabase/seed.sql',
  'supabase/seeds/top.sql',
  'supabase/seeds/c1.sql',
  'supabase/seeds/c2.sql',
  'supabase/seeds/B.sql',
  'supabase/seeds/a/deep.sql',
  'db/seeds/u2.sql',
  'db/seeds/u1.sql',
];

/** As the Supabase CLI's `loadSeedPaths`: each entry joined to supabase/, Go's fs.Glob, sorted, each file once. */
describe('the seed files supabase db reset loads', () => {
  it('entries in the order written, each sorted byte-wise, a file matched twice kept once', async () => {
    const root = await tempRepoWith(TREE);
    expect(await seedFiles(root, ['./seeds/c2.sql', './seeds/*.sql', './seed.sql'])).toEqual({
      files: ['supabase/seeds/c2.sql', 'supabase/seeds/B.sql', 'supabase/seeds/c1.sql', 'supabase/seeds/top.sql', 'supabase/seed.sql'],
      unmatched: [],
    });
  });

  it('a path or a glob beside supabase/ (`..` collapses)', async () => {
    const root = await tempRepoWith(TREE);
    expect((await seedFiles(root, ['../db/seeds/*.sql'])).files).toEqual(['db/seeds/u1.sql', 'db/seeds/u2.sql']);
    expect((await seedFiles(root, ['../db/seeds/u2.sql'])).files).toEqual(['db/seeds/u2.sql']);
  });

  it('`*` stops at a slash (no `**`), `[…]` classes match, and an entry matching nothing is listed', async () => {
    const root = await tempRepoWith(TREE);
    expect((await seedFiles(root, ['./seeds/**/*.sql'])).files).toEqual(['supabase/seeds/a/deep.sql']);
    expect((await seedFiles(root, ['**.sql'])).files).toEqual(['supabase/seed.sql']);
    expect(await seedFiles(root, ['seeds/c[12].sql', 'seeds/none-*.sql', '../../outside.sql'])).toEqual({
      files: ['supabase/seeds/c1.sql', 'supabase/seeds/c2.sql'],
      unmatched: ['seeds/none-*.sql', '../../outside.sql'],
    });
  });

  it('without sql_paths, ./seed.sql; with seeding turned off, none', async () => {
    const root = await tempRepoWith(TREE);
    expect((await seedFiles(root, null)).files).toEqual(['supabase/seed.sql']);
    expect(await seedFiles(root, null, false)).toEqual({ files: [], unmatched: [] });
    await writeFile(path.join(root, 'supabase', 'config.toml'), '[db.seed]\nenabled = false\nsql_paths = ["./seed.sql"]\n');
    const facts = await detectProject(root);
    expect(facts.supabase).toMatchObject({ seedEnabled: false, seedFiles: [], missingSeedPaths: [] });
  });

  it('whether sql_paths names the phase seed, by pattern, before the file exists', () => {
    expect(seedPathsInclude(null, 'supabase/seed.sql')).toBe(true);
    expect(seedPathsInclude(['./*.sql'], 'supabase/seed.sql')).toBe(true);
    expect(seedPathsInclude(['../supabase/seed.sql'], 'supabase/seed.sql')).toBe(true);
    expect(seedPathsInclude(['seed.sql'], 'supabase/seed.sql')).toBe(true);
    expect(seedPathsInclude(['./seeds/*.sql', 's[a-z]ed.sql'], 'supabase/seed.sql')).toBe(true);
    expect(seedPathsInclude(['./seeds/*.sql'], 'supabase/seed.sql')).toBe(false);
    expect(seedPathsInclude(['**/seed.sql'], 'supabase/seed.sql')).toBe(false);
    expect(seedPathsInclude([], 'supabase/seed.sql')).toBe(false);
  });
});
