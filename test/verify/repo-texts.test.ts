import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoTexts } from '../../src/verify/repo-texts.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'csdb-texts-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('repoTexts', () => {
  it('reads each file once per run: every reader of the run sees the same text', async () => {
    const file = path.join(dir, '00001_init.sql');
    await writeFile(file, 'create table a (id int);\n');
    const texts = repoTexts();
    expect(await texts.read(file)).toBe('create table a (id int);\n');
    await writeFile(file, 'create table b (id int);\n');
    expect(await texts.read(file)).toBe('create table a (id int);\n');
    expect(await repoTexts().read(file)).toBe('create table b (id int);\n');
  });

  it('a file that cannot be read fails as readFile does, for every reader', async () => {
    const texts = repoTexts();
    await expect(texts.read(path.join(dir, 'missing.sql'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(texts.read(path.join(dir, 'missing.sql'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
