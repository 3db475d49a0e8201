import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  engineCacheDir,
  imageFile,
  openPreparedEngine,
  openStandInWithoutGrantDefaults,
  packagedImageDir,
} from '../../src/db/engine-cache.js';
import { grantModeSql } from '../../src/emulation/install.js';
import type { EmbeddedSqlEngine } from '../../src/db/engine.js';

let cacheDir: string;

beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'engine-cache-'));
});

afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

async function withEngine<T>(prepared: { engine: EmbeddedSqlEngine }, fn: (engine: EmbeddedSqlEngine) => Promise<T>): Promise<T> {
  try {
    return await fn(prepared.engine);
  } finally {
    await prepared.engine.close();
  }
}

/** Whether a new public table is granted to anon: the difference between the grant modes. */
async function newTablesGrantedToAnon(engine: EmbeddedSqlEngine): Promise<boolean> {
  await engine.exec('create table public.probe (id int)');
  const [row] = await engine.query<{ granted: boolean }>(`select has_table_privilege('anon', 'public.probe', 'select') as granted`);
  return row!.granted;
}

describe('prepared engine images', () => {
  it('builds the image on a cold cache, then boots from it, in either grant mode', async () => {
    const cold = await openPreparedEngine('legacy', { cacheDir, packagedImageDir: null });
    expect(cold.source).toBe('built');
    expect(await withEngine(cold, newTablesGrantedToAnon)).toBe(true);
    expect((await stat(imageFile(cacheDir))).size).toBeGreaterThan(1024);

    const warm = await openPreparedEngine('legacy', { cacheDir, packagedImageDir: null });
    expect(warm.source).toBe('cache');
    // The image holds the stand-in but nothing a previous session did.
    expect(await withEngine(warm, newTablesGrantedToAnon)).toBe(true);

    const current = await openPreparedEngine('current', { cacheDir, packagedImageDir: null });
    expect(current.source).toBe('cache');
    expect(await withEngine(current, newTablesGrantedToAnon)).toBe(false);
  });

  it('holds one WAL segment, not the segments recycled for later use, and an engine from it writes many more', async () => {
    const segments = tarEntries(await readFile(imageFile(cacheDir))).filter((name) => /(^|\/)pg_wal\/[0-9A-F]{24}$/.test(name));
    expect(segments).toHaveLength(1);
    const booted = await openPreparedEngine('legacy', { cacheDir, packagedImageDir: null });
    await withEngine(booted, async (engine) => {
      await engine.exec('create table public.wal_filler as select n, repeat(md5(n::text), 4) as pad from generate_series(1, 40000) n');
      const [row] = await engine.query<{ n: number }>('select count(*)::int as n from public.wal_filler');
      expect(row!.n).toBe(40000);
    });
  });

  it('boots the stand-in without default privileges, for a grant mode set per transaction', async () => {
    const bare = await openStandInWithoutGrantDefaults({ cacheDir, packagedImageDir: null });
    expect(bare.source).toBe('cache');
    await withEngine(bare, async (engine) => {
      for (const [grants, granted] of [
        ['legacy', true],
        ['current', false],
        ['legacy', true],
      ] as const) {
        await engine.exec(`begin; ${grantModeSql(grants)}`);
        expect(await newTablesGrantedToAnon(engine)).toBe(granted);
        await engine.exec('rollback');
      }
    });
  });

  it.each([
    ['garbage', () => Buffer.from('not an image at all '.repeat(100))],
    ['gzip-looking bytes', () => Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(4096, 7)])],
    ['an empty file', () => Buffer.alloc(0)],
  ])('rebuilds over %s', async (_label, bytes) => {
    const file = imageFile(cacheDir);
    await writeFile(file, bytes());
    const prepared = await openPreparedEngine('legacy', { cacheDir, packagedImageDir: null });
    expect(prepared.source).toBe('built');
    expect(await withEngine(prepared, newTablesGrantedToAnon)).toBe(true);
    const again = await openPreparedEngine('legacy', { cacheDir, packagedImageDir: null });
    expect(again.source).toBe('cache');
    await again.engine.close();
  });

  it('writes no WAL for the rows of a table created in the running transaction', async () => {
    const prepared = await openStandInWithoutGrantDefaults({ cacheDir, packagedImageDir: null });
    await withEngine(prepared, async (engine) => {
      const lsn = async () => (await engine.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn'))[0]!.lsn;
      await engine.exec('begin');
      const before = await lsn();
      await engine.exec(`create table public.filled (id int, note text);
        insert into public.filled select n, repeat('x', 200) from generate_series(1, 20000) as n`);
      const [row] = await engine.query<{ bytes: number }>(`select pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::int as bytes`, [before]);
      await engine.exec('rollback');
      // The rows are 4 MB; the table's creation alone is logged.
      expect(row!.bytes).toBeLessThan(256 * 1024);
    });
  });

  it('two engines asked for at once on a cold cache: both boot, each in its own grant mode, and one image is kept', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'engine-cache-together-'));
    try {
      const [legacy, current] = await Promise.all(
        (['legacy', 'current'] as const).map((mode) => openPreparedEngine(mode, { cacheDir: dir, packagedImageDir: null })),
      );
      expect([legacy!.source, current!.source]).toEqual(['built', 'built']);
      expect(await withEngine(legacy!, newTablesGrantedToAnon)).toBe(true);
      expect(await withEngine(current!, newTablesGrantedToAnon)).toBe(false);
      expect(await readdir(dir)).toEqual([path.basename(imageFile(dir))]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rebuilds over a truncated image', async () => {
    const file = imageFile(cacheDir);
    const whole = await readFile(file);
    await writeFile(file, whole.subarray(0, 512 * 2000));
    const prepared = await openPreparedEngine('current', { cacheDir, packagedImageDir: null });
    expect(prepared.source).toBe('built');
    expect(await withEngine(prepared, newTablesGrantedToAnon)).toBe(false);
  });

  it('still works when the cache directory cannot be created', async () => {
    const blocker = path.join(cacheDir, 'a-file');
    await writeFile(blocker, 'x');
    const prepared = await openPreparedEngine('legacy', { cacheDir: path.join(blocker, 'cache'), packagedImageDir: null });
    expect(prepared.source).toBe('built');
    expect(await withEngine(prepared, newTablesGrantedToAnon)).toBe(true);
  });

  it('keeps one image, no temporary files, and removes the images of other keys', async () => {
    const stale = path.join(cacheDir, 'pglite-standin-legacy-0.0.1-0.3.0-abcdef012345.tar');
    await writeFile(stale, 'old');
    await rm(imageFile(cacheDir));
    const rebuilt = await openPreparedEngine('current', { cacheDir, packagedImageDir: null });
    expect(rebuilt.source).toBe('built');
    await rebuilt.engine.close();
    const names = (await readdir(cacheDir)).filter((n) => n !== 'a-file').sort();
    expect(names).toEqual([path.basename(imageFile(cacheDir))]);
  });

  it('keeps the image when the engine booting from it is stopped (a signal), and reports the stop', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'engine-cache-stopped-'));
    try {
      await (await openPreparedEngine('current', { cacheDir: dir, packagedImageDir: null })).engine.close();
      const before = await readFile(imageFile(dir));
      const stopped = openPreparedEngine('current', { cacheDir: dir, packagedImageDir: null, limits: { signal: AbortSignal.abort() } });
      await expect(stopped).rejects.toThrow('interrupted: the embedded engine was stopped');
      expect((await readFile(imageFile(dir))).equals(before)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the image shipped with the package', () => {
  it('is built by `npm run build` under the key this code computes', async () => {
    const dir = packagedImageDir({});
    expect(dir).not.toBeNull();
    expect((await stat(imageFile(dir!))).size).toBeGreaterThan(1024);
  });

  it('is booted first, and nothing is written to the cache directory', async () => {
    const emptyCache = path.join(cacheDir, 'untouched');
    const prepared = await openPreparedEngine('current', { cacheDir: emptyCache });
    expect(prepared.source).toBe('package');
    expect(await withEngine(prepared, newTablesGrantedToAnon)).toBe(false);
    await expect(stat(emptyCache)).rejects.toThrow();
  });

  it('when unusable, is left as it is and the cache is used instead', async () => {
    const brokenPackage = await mkdtemp(path.join(os.tmpdir(), 'engine-package-'));
    try {
      const file = imageFile(brokenPackage);
      const whole = await readFile(imageFile(packagedImageDir({})!));
      const truncated = whole.subarray(0, 512 * 2000);
      await writeFile(file, truncated);
      const prepared = await openPreparedEngine('legacy', { cacheDir, packagedImageDir: brokenPackage });
      expect(prepared.source).not.toBe('package');
      expect(await withEngine(prepared, newTablesGrantedToAnon)).toBe(true);
      expect(Buffer.compare(await readFile(file), truncated)).toBe(0);
    } finally {
      await rm(brokenPackage, { recursive: true, force: true });
    }
  });

  it('is ignored when CREATE_SAAS_DB_PACKAGED_IMAGE is off', () => {
    expect(packagedImageDir({ CREATE_SAAS_DB_PACKAGED_IMAGE: 'off' })).toBeNull();
    expect(packagedImageDir({ CREATE_SAAS_DB_PACKAGED_IMAGE: 'OFF' })).toBeNull();
    expect(packagedImageDir({})).toMatch(/dist[/\\]engine-image$/);
  });
});

describe('engineCacheDir', () => {
  it('prefers the override, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(engineCacheDir({ CREATE_SAAS_DB_CACHE_DIR: '/tmp/x', XDG_CACHE_HOME: '/xdg' })).toBe('/tmp/x');
    expect(engineCacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/create-saas-db');
    expect(engineCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'create-saas-db'));
  });
});

/** The names of the entries in a ustar archive. */
function tarEntries(tar: Buffer): string[] {
  const names: string[] = [];
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    if (!name) break;
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    names.push(prefix ? `${prefix}/${name}` : name);
    const size = parseInt(header.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}
