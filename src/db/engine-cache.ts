/**
 * The prepared embedded-engine image: a PGlite data directory with the Supabase stand-in already
 * installed but for the grant mode's default privileges (a few statements, applied per session),
 * saved in a cache directory. Booting from the image costs a fraction of a fresh initdb plus the
 * stand-in. The image is keyed by this package's version, the PGlite version and the stand-in's
 * SQL, and rebuilt when missing or unreadable.
 */
import { createHash } from 'node:crypto';
import { openAsBlob, readFileSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageVersion } from '../cli/package-version.js';
import { createEmbeddedEngine, type EmbeddedSqlEngine } from './engine.js';
import { grantDefaultsSql, installStandInWithoutGrantDefaults, type GrantDefaults } from './standin.js';
import * as standInSql from './standin-sql.js';

export const CACHE_DIR_ENV = 'CREATE_SAAS_DB_CACHE_DIR';

export interface PreparedEngine {
  readonly engine: EmbeddedSqlEngine;
  /** `cache`: booted from a saved image; `built`: prepared from scratch (and saved when possible). */
  readonly source: 'cache' | 'built';
}

export interface EngineCacheOptions {
  /** Defaults to `engineCacheDir()`. */
  readonly cacheDir?: string;
}

/** `$CREATE_SAAS_DB_CACHE_DIR`, else `$XDG_CACHE_HOME/create-saas-db`, else `~/.cache/create-saas-db`. */
export function engineCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[CACHE_DIR_ENV];
  if (override) return path.resolve(override);
  const xdg = env['XDG_CACHE_HOME'];
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir() || os.tmpdir(), '.cache');
  return path.join(base, 'create-saas-db');
}

/** A fresh embedded database with the stand-in installed for `grants`, from the cache when possible. */
export async function openPreparedEngine(grants: GrantDefaults, options: EngineCacheOptions = {}): Promise<PreparedEngine> {
  const prepared = await openStandInWithoutGrantDefaults(options);
  try {
    await prepared.engine.exec(grantDefaultsSql(grants));
  } catch (error) {
    await prepared.engine.close();
    throw error;
  }
  return prepared;
}

/**
 * A fresh embedded database with the stand-in installed but no grant mode's default privileges
 * (see `grantDefaultsSql`), from the cache when possible.
 */
export async function openStandInWithoutGrantDefaults(options: EngineCacheOptions = {}): Promise<PreparedEngine> {
  const file = imageFile(options.cacheDir ?? engineCacheDir());
  const cached = await bootFromImage(file);
  if (cached) return { engine: cached, source: 'cache' };
  if (unsaved?.file === file) return { engine: await bootImage(unsaved.image), source: 'built' };

  const engine = await freshEngine();
  try {
    await installStandInWithoutGrantDefaults(engine);
    // Recycles the WAL the stand-in wrote: the image holds what a fresh engine needs, no more.
    await engine.exec('checkpoint');
  } catch (error) {
    await engine.close();
    throw error;
  }
  // A cache directory that cannot be written only costs speed.
  const image = await engine.pglite.dumpDataDir('none');
  await saveImage(image, file)
    .then(() => removeStaleImages(file))
    .catch(() => {
      unsaved = { file, image };
    });
  return { engine, source: 'built' };
}

/** Where the image lives in `cacheDir`; the name carries the key. */
export function imageFile(cacheDir: string): string {
  return path.join(cacheDir, `${IMAGE_PREFIX}${imageKey()}.tar`);
}

const IMAGE_PREFIX = 'pglite-standin-';
/** How `freshEngine` and `slimDataDir` shape the data directory; changing them changes this. */
const IMAGE_LAYOUT = 'wal-segment-1MB, settings in postgresql.conf';

function imageKey(): string {
  const standIn = Object.entries(standInSql as Record<string, unknown>)
    .filter(([, value]) => typeof value === 'string')
    .sort(([a], [b]) => a.localeCompare(b));
  const hash = createHash('sha256')
    .update(JSON.stringify({ pkg: packageVersion(), pglite: pgliteVersion(), layout: IMAGE_LAYOUT, standIn }))
    .digest('hex');
  return `${packageVersion()}-${pgliteVersion()}-${hash.slice(0, 12)}`;
}

let pgliteVersionCache: string | null = null;

function pgliteVersion(): string {
  if (pgliteVersionCache) return pgliteVersionCache;
  let dir = path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === '@electric-sql/pglite' && manifest.version) return (pgliteVersionCache = manifest.version);
    } catch {
      // not this directory
    }
    const parent = path.dirname(dir);
    if (parent === dir) return (pgliteVersionCache = 'unknown');
    dir = parent;
  }
}

/** Boots from a saved image, or returns null (and removes the file) when it is not a usable one. */
async function bootFromImage(file: string): Promise<EmbeddedSqlEngine | null> {
  // Checked before PGlite sees it: PGlite guesses gzip from content, and a bad gzip stream
  // escapes it as an uncaught error.
  const valid = await isUncompressedTar(file);
  if (valid === null) return null;
  if (!valid) {
    await rm(file, { force: true });
    return null;
  }
  try {
    // File-backed: the image is not copied into memory before PGlite unpacks it.
    return await bootImage(await openAsBlob(file));
  } catch {
    await rm(file, { force: true });
    return null;
  }
}

async function bootImage(image: Blob): Promise<EmbeddedSqlEngine> {
  const engine = await createEmbeddedEngine({ loadDataDir: image });
  try {
    await engine.query(`select 'auth.users'::regclass, 'service_role'::regrole`);
    await applyLoginSettings(engine);
    return engine;
  } catch (error) {
    await engine.close().catch(() => undefined);
    throw error;
  }
}

/**
 * A booted image does not apply `alter role … set` settings as a PostgreSQL login does; the
 * stand-in relies on one (the postgres role's search_path includes `extensions`, as on
 * Supabase). Applied in PostgreSQL's order: database, role, then role in database.
 */
async function applyLoginSettings(engine: EmbeddedSqlEngine): Promise<void> {
  await engine.query(`
    select pg_catalog.set_config(split_part(setting, '=', 1), substr(setting, strpos(setting, '=') + 1), false)
      from pg_catalog.pg_db_role_setting s
     cross join lateral unnest(s.setconfig) as setting
     where s.setrole in (0, (select oid from pg_catalog.pg_roles where rolname = current_user))
       and s.setdatabase in (0, (select oid from pg_catalog.pg_database where datname = current_database()))
     order by s.setrole <> 0 and s.setdatabase <> 0, s.setrole <> 0`);
}

/** Null when there is no file; else whether it looks like what `saveImage` writes. */
async function isUncompressedTar(file: string): Promise<boolean | null> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const { size } = await handle.stat();
    const header = Buffer.alloc(512);
    await handle.read(header, 0, 512, 0);
    return size >= 1024 && size % 512 === 0 && header.subarray(257, 262).toString('latin1') === 'ustar';
  } finally {
    await handle.close();
  }
}

/**
 * The image this process built when it could not be saved (a cache directory that cannot be
 * written): later engines of the process boot from it instead of running initdb again.
 */
let unsaved: { readonly file: string; readonly image: Blob } | null = null;

async function freshEngine(): Promise<EmbeddedSqlEngine> {
  // Sized for a test database. The data directory holds a whole WAL segment: 1 MB instead of 16
  // makes the image, and each engine's in-memory files, 15 MB smaller. Shared buffers: the
  // default 128 MB are all touched at start, by initdb too.
  const engine = await createEmbeddedEngine({
    initdb: { walSegmentMiB: 1, settings: { shared_buffers: '16MB', min_wal_size: '2MB' } },
  });
  try {
    await slimDataDir(engine);
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}

/** Makes the image smaller: the verify checks use one database, so the template databases go. */
async function slimDataDir(engine: EmbeddedSqlEngine): Promise<void> {
  await engine.exec(`update pg_catalog.pg_database set datistemplate = false where datname in ('template0', 'template1')`);
  // One statement per call: DROP DATABASE cannot run in the implicit transaction of a script.
  await engine.exec('drop database template0');
  await engine.exec('drop database template1');
  await engine.exec('checkpoint');
}

/** Written beside its final name, flushed, then renamed: readers see a whole image or none. */
async function saveImage(image: Blob, file: string): Promise<void> {
  const bytes = new Uint8Array(await image.arrayBuffer());
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Images of other keys (older package or PGlite versions, or the former one per grant mode). */
async function removeStaleImages(file: string): Promise<void> {
  const dir = path.dirname(file);
  const names = await readdir(dir).catch(() => []);
  await Promise.all(
    names
      .filter((name) => name.startsWith(IMAGE_PREFIX) && name.endsWith('.tar') && name !== path.basename(file))
      .map((name) => rm(path.join(dir, name), { force: true })),
  );
}
