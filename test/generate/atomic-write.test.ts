import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeAtomicFs, writeFileAtomic } from '../../src/apply/atomic-write.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'atomic-write-'));
  dirs.push(dir);
  return dir;
}

describe('writeFileAtomic', () => {
  it('creates or replaces the file, leaving no temp file behind', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'marker');
    await writeFileAtomic(file, 'one\n');
    await writeFileAtomic(file, 'two\n');
    expect(await readFile(file, 'utf8')).toBe('two\n');
    expect(await readdir(dir)).toEqual(['marker']);
  });

  it('gives the file the mode it is asked to keep', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'run.sh');
    await writeFile(file, 'old');
    await chmod(file, 0o755);
    await writeFileAtomic(file, 'new', { mode: (await stat(file)).mode });
    expect((await stat(file)).mode & 0o777).toBe(0o755);
  });

  it('leaves the old content and no temp file when the rename fails', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'cache.json');
    await writeFile(file, 'old');
    const failing = { ...nodeAtomicFs, rename: async () => Promise.reject(new Error('disk full (injected)')) };
    await expect(writeFileAtomic(file, 'new', { fs: failing })).rejects.toThrow('disk full (injected)');
    expect(await readFile(file, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['cache.json']);
  });

  it('flushes the file before the rename and the directory after it', async () => {
    const dir = await tempDir();
    const events: string[] = [];
    const fs = {
      ...nodeAtomicFs,
      writeFile: async (file: string, data: string | Uint8Array) => {
        await nodeAtomicFs.writeFile(file, data);
        events.push('write+fsync');
      },
      rename: async (from: string, to: string) => {
        await nodeAtomicFs.rename(from, to);
        events.push('rename');
      },
      syncDir: async (d: string) => {
        await nodeAtomicFs.syncDir(d);
        events.push(`fsync ${path.basename(d)}`);
      },
    };
    await writeFileAtomic(path.join(dir, 'f'), 'x', { fs });
    expect(events).toEqual(['write+fsync', 'rename', `fsync ${path.basename(dir)}`]);
  });
});
