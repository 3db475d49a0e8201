import { mkdir, mkdtemp, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isDirectory,
  isFile,
  ObservationLog,
  readValue,
  realPath,
  stillHolds,
  subdirectories,
} from '../../src/typecheck/fs-observations.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'csdb-observations-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Observations of `file` as a compilation would note them, recorded `agoMs` before now. */
function recorded(file: string, agoMs = 0) {
  const log = new ObservationLog();
  log.note('read', file, readValue(file));
  log.note('file', file, isFile(file));
  return { observations: log.observations(), recordedAt: Date.now() - agoMs };
}

describe('stillHolds', () => {
  it('answers as ts.sys does: files, directories, links to directories, real paths', async () => {
    await mkdir(path.join(dir, 'tree', 'a'), { recursive: true });
    await mkdir(path.join(dir, 'tree', 'b'));
    await writeFile(path.join(dir, 'tree', 'file.ts'), '');
    await symlink(path.join(dir, 'tree', 'a'), path.join(dir, 'tree', 'link'), 'dir');
    expect(subdirectories(path.join(dir, 'tree'))).toEqual(['a', 'b', 'link']);
    expect([
      isFile(path.join(dir, 'tree', 'file.ts')),
      isDirectory(path.join(dir, 'tree', 'link')),
      isFile(path.join(dir, 'none')),
    ]).toEqual([true, true, false]);
    expect(realPath(path.join(dir, 'tree', 'link'))).toBe(realPath(path.join(dir, 'tree', 'a')));
    expect(realPath(path.join(dir, 'none'))).toBe(path.join(dir, 'none'));
  });

  it('an edit that keeps the size and the modification time is seen (the change time moves)', async () => {
    const file = path.join(dir, 'same-size.ts');
    await writeFile(file, 'export const a = 1;\n');
    const before = await stat(file);
    // Recorded long after the file was written: its signature is trusted.
    const { observations } = recorded(file);
    const later = Date.now() + 60_000;
    expect(await stillHolds(observations, later)).toBe(true);

    await writeFile(file, 'export const a = 2;\n');
    await utimes(file, before.atime, before.mtime);
    expect(await stillHolds(observations, later)).toBe(false);
  });

  it('a file touched but unchanged still holds; one removed or created does not', async () => {
    const file = path.join(dir, 'touched.ts');
    await writeFile(file, 'export {};\n');
    const { observations, recordedAt } = recorded(file);
    await utimes(file, new Date(), new Date(Date.now() + 5_000));
    expect(await stillHolds(observations, recordedAt)).toBe(true);
    await rm(file);
    expect(await stillHolds(observations, recordedAt)).toBe(false);

    const absent = recorded(path.join(dir, 'absent.ts'));
    expect(await stillHolds(absent.observations, absent.recordedAt)).toBe(true);
    await writeFile(path.join(dir, 'absent.ts'), '');
    expect(await stillHolds(absent.observations, absent.recordedAt)).toBe(false);
  });
});
