import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectProject } from '../../src/detect/index.js';
import { schemaPathFiles, segmentMatcher } from '../../src/detect/schema-paths.js';
import { removeTempDirs, tempCopy, tempRepoWith } from '../helpers/fixtures.js';

afterAll(removeTempDirs);

const TREE = [
  'supabase/schemas/a.sql',
  'supabase/schemas/B.sql',
  'supabase/schemas/a/b.sql',
  'supabase/schemas/c.sql',
  'supabase/schemas/notes.SQL',
];

describe('the declarative schema files, in the order the Supabase CLI applies them', () => {
  it('schema_paths: patterns in the order written, each one sorted byte-wise, a file matched twice kept once', async () => {
    const root = await tempRepoWith(TREE);
    expect(await schemaPathFiles(root, ['./schemas/c.sql', './schemas/*.sql'])).toEqual({
      files: ['supabase/schemas/c.sql', 'supabase/schemas/B.sql', 'supabase/schemas/a.sql'],
      unmatched: [],
    });
  });

  it('`*` stops at a slash (no `**`): files in subfolders need their own pattern', async () => {
    const root = await tempRepoWith(TREE);
    expect((await schemaPathFiles(root, ['schemas/**.sql'])).files).toEqual([
      'supabase/schemas/B.sql',
      'supabase/schemas/a.sql',
      'supabase/schemas/c.sql',
    ]);
    expect((await schemaPathFiles(root, ['schemas/*/*.sql'])).files).toEqual(['supabase/schemas/a/b.sql']);
    expect((await schemaPathFiles(root, ['schemas/[ab].sql', 'schemas/?.SQL'])).files).toEqual(['supabase/schemas/a.sql']);
  });

  it('a matched folder gives its .sql files at any depth, sorted byte-wise as whole paths', async () => {
    const root = await tempRepoWith(TREE);
    expect((await schemaPathFiles(root, ['./schemas'])).files).toEqual([
      'supabase/schemas/B.sql',
      'supabase/schemas/a.sql',
      'supabase/schemas/a/b.sql',
      'supabase/schemas/c.sql',
    ]);
  });

  it('without schema_paths: supabase/schemas walked folder by folder, regular .sql files only', async () => {
    const root = await tempRepoWith(TREE);
    await symlink(path.join(root, 'supabase/schemas/c.sql'), path.join(root, 'supabase/schemas/d.sql'));
    // Walk order: the folder `a` sorts before `a.sql`, so its file comes first.
    expect(await schemaPathFiles(root, null)).toEqual({
      files: ['supabase/schemas/B.sql', 'supabase/schemas/a/b.sql', 'supabase/schemas/a.sql', 'supabase/schemas/c.sql'],
      unmatched: [],
    });
  });

  it('entries matching nothing (or malformed) are listed; paths outside the repo match nothing', async () => {
    const root = await tempRepoWith(TREE);
    expect(await schemaPathFiles(root, ['./schemas/a.sql', './missing/*.sql', 'schemas/[.sql', '../../etc/*.sql'])).toEqual({
      files: ['supabase/schemas/a.sql'],
      unmatched: ['./missing/*.sql', 'schemas/[.sql', '../../etc/*.sql'],
    });
  });

  it('Go path.Match syntax: classes, negated classes, ranges and escapes', () => {
    expect(segmentMatcher('[^a]*.sql')?.test('b.sql')).toBe(true);
    expect(segmentMatcher('[^a]*.sql')?.test('a.sql')).toBe(false);
    expect(segmentMatcher('0[1-3]_*.sql')?.test('02_x.sql')).toBe(true);
    expect(segmentMatcher('0[1-3]_*.sql')?.test('04_x.sql')).toBe(false);
    expect(segmentMatcher('\\*.sql')?.test('*.sql')).toBe(true);
    expect(segmentMatcher('\\*.sql')?.test('a.sql')).toBe(false);
    expect(segmentMatcher('[')).toBeNull();
  });

  it('detection: the applied list for a configured repo, and none for a repo without declarative schemas', async () => {
    const declarative = await detectProject(await tempCopy('declarative-schema'));
    expect(declarative.supabase.schemas).toEqual({
      dir: 'supabase/schemas',
      configured: true,
      files: ['01_notes.sql'],
      applied: ['supabase/schemas/01_notes.sql'],
      unmatched: [],
    });
    expect((await detectProject(await tempCopy('migrations-timestamp'))).supabase.schemas).toBeNull();
  });
});
