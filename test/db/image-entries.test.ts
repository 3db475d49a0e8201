import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../../src/db/engine.js';
import { imageFile, packagedImageDir } from '../../src/db/engine-cache.js';
import { imageEntries, UnreadableImageError, writeImageEntries, type EmscriptenFs } from '../../src/db/image-entries.js';

/** A ustar header for `name` of `type` and `size`, with its checksum. */
function tarHeader(name: string, type: string, size = 0, link = ''): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 'utf8');
  header.write('0000600\0', 100, 'latin1');
  header.write('0000000\0', 108, 'latin1');
  header.write('0000000\0', 116, 'latin1');
  header.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  header.write('00000000000\0', 136, 'latin1');
  header.write(type, 156, 'latin1');
  header.write(link, 157, 'utf8');
  header.write('ustar\0', 257, 'latin1');
  header.write('00', 263, 'latin1');
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return header;
}

function tar(...entries: { name: string; type: string; data?: Buffer; link?: string }[]): Uint8Array {
  const parts: Buffer[] = [];
  for (const { name, type, data = Buffer.alloc(0), link } of entries) {
    parts.push(tarHeader(name, type, data.length, link), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return new Uint8Array(Buffer.concat([...parts, Buffer.alloc(1024)]));
}

const packagedImage = () => readFile(imageFile(packagedImageDir()!));

describe('an engine image read in place', () => {
  it("lists the packaged image's files as views of its bytes, and its directories", async () => {
    const image = new Uint8Array(await packagedImage());
    const entries = imageEntries(image);
    const version = entries.find((e) => e.path === 'PG_VERSION');
    expect(Buffer.from(version!.data!).toString('latin1').trim()).toMatch(/^\d+$/);
    expect(version!.data!.buffer).toBe(image.buffer);
    expect(entries.find((e) => e.path === 'base/5')).toEqual({ path: 'base/5', data: null });
    // Every file of the data directory, as PGlite's own reader finds them.
    expect(entries.filter((e) => e.data !== null).length).toBeGreaterThan(400);
  });

  it('writes each file under the data directory with its view as its storage, each directory once', () => {
    const image = tar(
      { name: '/base/', type: '5' },
      { name: '/base/1/2608', type: '0', data: Buffer.from('pages') },
      { name: 'PG_VERSION', type: '0', data: Buffer.from('18\n') },
    );
    const calls: string[] = [];
    const fs: EmscriptenFs = {
      mkdirTree: (path) => calls.push(`mkdir ${path}`),
      writeFile(path, data, { canOwn }) {
        calls.push(`write ${path} ${Buffer.from(data).toString('latin1').trim()} own=${canOwn} view=${data.buffer === image.buffer}`);
      },
    };
    writeImageEntries(fs, '/pglite/data', imageEntries(image));
    expect(calls).toEqual([
      'mkdir /pglite/data',
      'mkdir /pglite/data/base',
      'mkdir /pglite/data/base/1',
      'write /pglite/data/base/1/2608 pages own=true view=true',
      'write /pglite/data/PG_VERSION 18 own=true view=true',
    ]);
  });

  it('refuses what it does not read (a link, a path out of the directory, a cut image), for PGlite to read instead', () => {
    expect(() => imageEntries(tar({ name: 'pg_wal', type: '2', link: '/elsewhere' }))).toThrow(UnreadableImageError);
    expect(() => imageEntries(tar({ name: '../escape', type: '0', data: Buffer.from('x') }))).toThrow(UnreadableImageError);
    const whole = tar({ name: 'PG_VERSION', type: '0', data: Buffer.alloc(600) });
    expect(() => imageEntries(whole.subarray(0, 700))).toThrow(UnreadableImageError);
    expect(() => imageEntries(new Uint8Array(Buffer.from('not a tar'.padEnd(1024, '!'))))).toThrow(UnreadableImageError);
  });

  it("boots an image it does not read through PGlite's own loader", async () => {
    const image = new Uint8Array(await packagedImage());
    // The packaged image with a symbolic link added before its end-of-archive blocks.
    const ends = imageEntriesEnd(image);
    const linked = new Uint8Array(
      Buffer.concat([image.subarray(0, ends), tarHeader('pg_notify_link', '2', 0, 'pg_notify'), Buffer.alloc(1024)]),
    );
    expect(() => imageEntries(linked)).toThrow(UnreadableImageError);
    const engine = await createEmbeddedEngine({ image: { bytes: linked }, username: 'supabase_admin' });
    try {
      expect(await engine.query(`select 'auth.users'::regclass::text as users`)).toEqual([{ users: 'auth.users' }]);
    } finally {
      await engine.close();
    }
  });
});

/** Where the end-of-archive blocks of a tar start. */
function imageEntriesEnd(image: Uint8Array): number {
  let offset = 0;
  while (image[offset] !== 0) {
    const size = parseInt(
      Buffer.from(image.subarray(offset + 124, offset + 136))
        .toString('latin1')
        .replace(/\0.*$/, '')
        .trim() || '0',
      8,
    );
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return offset;
}
