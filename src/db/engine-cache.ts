/**
 * The prepared embedded-engine image: a PGlite data directory with the Supabase emulation
 * (resources/emulation/sql) already installed but for the grant mode's default privileges (a few
 * statements, applied per session). Its bootstrap superuser is `supabase_admin`; sessions log in
 * as it and run as the non-superuser `postgres` (SET SESSION AUTHORIZATION), as user SQL does on
 * a project.
 * Booting from the image costs a fraction of a fresh initdb plus the stand-in, and far less
 * memory: PGlite's initdb runs a second PostgreSQL instance and copies its whole heap.
 *
 * The package ships the image, built with the PGlite version it pins (dist/engine-image). When
 * that one is missing or unusable, an image is built here and saved in a cache directory. Images
 * are keyed by this package's version, the PGlite version and the emulation's SQL files; a cached one is
 * rebuilt when missing or unreadable.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageVersion } from '../package-version.js';
import { packageRoot } from '../package-root.js';
import { writeFileAtomic } from '../apply/atomic-write.js';
import { createEmbeddedEngine, QUERY_CANCELED, type EmbeddedEngineOptions, type EmbeddedSqlEngine } from './engine.js';
import { isSqlError } from './sql-error.js';
import { quoteIdent } from './sql-quote.js';
import { loadEmbeddedExtensions } from '../emulation/extensions.js';
import {
  EMBEDDED_LOGIN_ROLE,
  USER_ROLE,
  embeddedBootstrapSql,
  emulationDigest,
  grantModeSql,
  installEmulation,
  type GrantMode,
} from '../emulation/install.js';

export const CACHE_DIR_ENV = 'CREATE_SAAS_DB_CACHE_DIR';
/** Set to `off` to ignore the image shipped with the package (and build or use a cached one). */
export const PACKAGED_IMAGE_ENV = 'CREATE_SAAS_DB_PACKAGED_IMAGE';

export interface PreparedEngine {
  readonly engine: EmbeddedSqlEngine;
  /**
   * `package`: booted from the image shipped with the package; `cache`: from a saved image;
   * `built`: prepared from scratch (and saved when possible).
   */
  readonly source: 'package' | 'cache' | 'built';
}

export interface EngineCacheOptions {
  /** Defaults to `engineCacheDir()`. */
  readonly cacheDir?: string;
  /** Where the package's own image is; `null`: not used. Defaults to `packagedImageDir()`. */
  readonly packagedImageDir?: string | null;
  /**
   * Extensions the engine must be able to create for real (`vector`, `pg_trgm`…; see
   * `embeddedExtensionsFor`): their modules are loaded when it boots. None by default.
   */
  readonly extensions?: readonly string[];
  /**
   * The engine's time limit per statement (`--statement-timeout`), what stops it, whether it
   * keeps its data on disk and whether its work commits file by file; see EmbeddedEngineOptions.
   */
  readonly limits?: EngineLimits;
}

export type EngineLimits = Pick<EmbeddedEngineOptions, 'statementTimeoutMs' | 'signal' | 'dataOnDisk' | 'commitsFileByFile'>;

/** The package's image directory, or null when `$CREATE_SAAS_DB_PACKAGED_IMAGE` is `off`. */
export function packagedImageDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env[PACKAGED_IMAGE_ENV]?.toLowerCase() === 'off') return null;
  return path.join(packageRoot, 'dist', 'engine-image');
}

/** `$CREATE_SAAS_DB_CACHE_DIR`, else `$XDG_CACHE_HOME/create-saas-db`, else `~/.cache/create-saas-db`. */
export function engineCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[CACHE_DIR_ENV];
  if (override) return path.resolve(override);
  const xdg = env['XDG_CACHE_HOME'];
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir() || os.tmpdir(), '.cache');
  return path.join(base, 'create-saas-db');
}

/** A fresh embedded database with the stand-in installed for `grants`, from a prepared image when possible. */
export async function openPreparedEngine(grants: GrantMode, options: EngineCacheOptions = {}): Promise<PreparedEngine> {
  const prepared = await openStandInWithoutGrantDefaults(options);
  try {
    await prepared.engine.exec(grantModeSql(grants));
  } catch (error) {
    await prepared.engine.close();
    throw error;
  }
  return prepared;
}

/**
 * A fresh embedded database with the stand-in installed but no grant mode's default privileges
 * (see `grantModeSql`): from the package's image, else the cache, else built (and cached).
 */
export async function openStandInWithoutGrantDefaults(options: EngineCacheOptions = {}): Promise<PreparedEngine> {
  const extensions = options.extensions ?? [];
  const limits = options.limits ?? {};
  // Fails here for a name no engine can load, before an image could be taken for unusable.
  if (extensions.length > 0) await loadEmbeddedExtensions(extensions);
  const packaged = options.packagedImageDir === undefined ? packagedImageDir() : options.packagedImageDir;
  if (packaged) {
    // Never removed when unusable: the package's files are not this code's to change.
    const engine = await bootFromImage(imageFile(packaged), { removeWhenUnusable: false, extensions, limits });
    if (engine) return { engine, source: 'package' };
  }

  const file = imageFile(options.cacheDir ?? engineCacheDir());
  const cached = await bootFromImage(file, { removeWhenUnusable: true, extensions, limits });
  if (cached) return { engine: cached, source: 'cache' };
  if (unsaved?.file === file) return { engine: await bootImage({ bytes: unsaved.image }, extensions, limits), source: 'built' };
  const underway = imageBuilds.get(file);
  if (underway) return { engine: await bootImage({ bytes: await underway }, extensions, limits), source: 'built' };

  // The user's limit is for their SQL; the emulation's install keeps the default one.
  const building = buildImage({ signal: limits.signal });
  const builtImage = building.then((b) => b.image);
  builtImage.catch(() => undefined);
  imageBuilds.set(file, builtImage);
  let built: Awaited<typeof building>;
  try {
    built = await building;
  } catch (error) {
    imageBuilds.delete(file);
    throw error;
  }
  const { image } = built;
  // A cache directory that cannot be written only costs speed.
  await saveImage(image, file)
    .then(() => removeStaleImages(file))
    .catch(() => {
      unsaved = { file, image };
    });
  imageBuilds.delete(file);
  if (extensions.length === 0) return { engine: built.engine, source: 'built' };
  // The engine that built the image has no extension module loaded: boot one that has.
  await built.engine.close();
  return { engine: await bootImage({ bytes: image }, extensions, limits), source: 'built' };
}

/**
 * Builds the image the package ships into `dir` (see scripts/build-engine-image.mjs), replacing
 * images of other keys there. Returns the file written.
 */
export async function writePackagedImage(dir: string): Promise<string> {
  const { engine, image } = await buildImage();
  await engine.close();
  const file = imageFile(dir);
  await saveImage(image, file);
  await removeStaleImages(file);
  return file;
}

/** Where the image lives in `dir` (a cache or the package's image directory); the name carries the key. */
export function imageFile(dir: string): string {
  return path.join(dir, `${IMAGE_PREFIX}${imageKey()}.tar`);
}

/** A fresh engine with the emulation installed but no grant defaults, and its dumped data directory. */
async function buildImage(limits: EngineLimits = {}): Promise<{ engine: EmbeddedSqlEngine; image: Uint8Array }> {
  const engine = await freshEngine(limits);
  try {
    await engine.exec(embeddedBootstrapSql());
    await installEmulation(engine, { loginRoles: true });
    // Recycles the WAL the emulation wrote: the image holds what a fresh engine needs, no more.
    await engine.exec('checkpoint');
    const image = await engine.dumpDataDir();
    await enterUserSession(engine);
    return { engine, image };
  } catch (error) {
    await engine.close();
    throw error;
  }
}

const IMAGE_PREFIX = 'pglite-standin-';
/** How `freshEngine` and `slimDataDir` shape the data directory; changing them changes this. */
const IMAGE_LAYOUT = 'wal-segment-1MB, wal_level minimal, WAL not recycled, settings in postgresql.conf, bootstrap user supabase_admin';

let imageKeyCache: string | null = null;

/** The same for the whole process: its inputs are this package's and PGlite's installed files. */
function imageKey(): string {
  if (imageKeyCache) return imageKeyCache;
  const pglite = pgliteVersion();
  const hash = createHash('sha256')
    .update(JSON.stringify({ pkg: packageVersion(), pglite, layout: IMAGE_LAYOUT, emulation: emulationDigest() }))
    .digest('hex');
  return (imageKeyCache = `${packageVersion()}-${pglite}-${hash.slice(0, 12)}`);
}

function pgliteVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === '@electric-sql/pglite' && manifest.version) return manifest.version;
    } catch {
      // not this directory
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/** Boots from a saved image, or returns null (removing the file if asked) when it is not a usable one. */
async function bootFromImage(
  file: string,
  { removeWhenUnusable, extensions, limits }: { removeWhenUnusable: boolean; extensions: readonly string[]; limits: EngineLimits },
): Promise<EmbeddedSqlEngine | null> {
  const unusable = async (): Promise<null> => {
    if (removeWhenUnusable) await rm(file, { force: true });
    return null;
  };
  // Checked before PGlite sees it: PGlite guesses gzip from content, and a bad gzip stream
  // escapes it as an uncaught error.
  const valid = await isUncompressedTar(file);
  if (valid === null) return null;
  if (!valid) return unusable();
  try {
    // The worker reads the file itself: the image is not copied into memory before PGlite unpacks it.
    return await bootImage({ file }, extensions, limits);
  } catch (error) {
    // Stopped (the time limit, a signal), or the system refusing a file (a full or read-only
    // temporary directory for data on disk): that says nothing about the image.
    if (limits.signal?.aborted || (isSqlError(error) && error.code === QUERY_CANCELED) || isSystemError(error)) throw error;
    return unusable();
  }
}

const isSystemError = (error: unknown): boolean => typeof (error as { syscall?: unknown } | null)?.syscall === 'string';

async function bootImage(
  image: NonNullable<EmbeddedEngineOptions['image']>,
  extensions: readonly string[],
  limits: EngineLimits,
): Promise<EmbeddedSqlEngine> {
  const engine = await createEmbeddedEngine({ image, username: EMBEDDED_LOGIN_ROLE, extensions, ...limits });
  try {
    await engine.query(`select 'auth.users'::regclass, 'service_role'::regrole`);
    await enterUserSession(engine);
    return engine;
  } catch (error) {
    await engine.close().catch(() => undefined);
    throw error;
  }
}

/**
 * A new session on a copy of `engine`'s database as it stands committed: what a new connection
 * to it would have (no session state, and none of the custom settings, such as
 * request.jwt.claims, that a session defines for good once it sets them). An engine booted from
 * `engine`'s data directory, with `extensions` loaded; `engine` must be outside a transaction.
 */
export async function engineCopyInNewSession(
  engine: EmbeddedSqlEngine,
  options: { readonly extensions: readonly string[]; readonly limits: EngineLimits },
): Promise<EmbeddedSqlEngine> {
  // A checkpoint first: booted from a dump with WAL to replay, each sequence used since the last
  // checkpoint would jump ahead by the values PostgreSQL logs in advance (32).
  const [who] = await engine.query<{ name: string }>('select session_user::text as name');
  await engine.exec(`set session authorization ${EMBEDDED_LOGIN_ROLE}; checkpoint`);
  await engine.exec(`set session authorization ${quoteIdent(who!.name)}`);
  const bytes = await engine.dumpDataDir();
  return bootImage({ bytes }, options.extensions, options.limits);
}

/**
 * Returns the session of an engine booted from an image to the state it booted in, outside any
 * transaction. A rolled-back transaction leaves what is not transactional: prepared statements,
 * session advisory locks, cursors WITH HOLD, cached plans; DISCARD ALL ends them, and the login
 * settings it resets are applied again.
 */
export async function resetSession(engine: EmbeddedSqlEngine): Promise<void> {
  await engine.exec('discard all');
  await enterUserSession(engine);
}

/**
 * From the bootstrap superuser's login to the session user SQL runs in: `postgres`, not a
 * superuser, with its login settings. The login stays the superuser's, so the emulation can act
 * as the platform's roles (the auth service) and return.
 */
async function enterUserSession(engine: EmbeddedSqlEngine): Promise<void> {
  await engine.exec(`set session authorization ${USER_ROLE}`);
  await applyLoginSettings(engine);
}

/**
 * A booted image does not apply `alter role … set` settings as a PostgreSQL login does; the
 * emulation relies on one (the postgres role's search_path includes `extensions`, as on
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
let unsaved: { readonly file: string; readonly image: Uint8Array } | null = null;

/** Images this process is building, by file: an engine asked for meanwhile boots from the image once built. */
const imageBuilds = new Map<string, Promise<Uint8Array>>();

async function freshEngine(limits: EngineLimits): Promise<EmbeddedSqlEngine> {
  // Sized for a test database. The data directory holds a whole WAL segment: 1 MB instead of 16
  // makes the image, and each engine's in-memory files, 15 MB smaller. Shared buffers: the
  // default 128 MB are all touched at start, by initdb too. Minimal WAL: the engine is never
  // replicated or recovered, and PGlite runs no checkpointer, so the WAL of a large migration's
  // inserts would stay in memory for good; with it, a table created in the running transaction
  // (every table verify's shared engine makes) writes none. Segments a checkpoint frees are
  // removed, not kept for reuse: kept, the emulation's install left six in the image (6 of its
  // 17 MB, each unpacked by every boot); a segment an engine needs later is made then.
  const engine = await createEmbeddedEngine({
    initdb: {
      walSegmentMiB: 1,
      settings: {
        shared_buffers: '16MB',
        min_wal_size: '2MB',
        wal_level: 'minimal',
        max_wal_senders: '0',
        wal_recycle: 'off',
      },
    },
    ...limits,
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

/** Readers see a whole image or none (see writeFileAtomic). */
async function saveImage(image: Uint8Array, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, image);
}

/** Images of other keys in the image's directory (older package or PGlite versions). */
async function removeStaleImages(file: string): Promise<void> {
  const dir = path.dirname(file);
  const names = await readdir(dir).catch(() => []);
  await Promise.all(
    names
      .filter((name) => name.startsWith(IMAGE_PREFIX) && name.endsWith('.tar') && name !== path.basename(file))
      .map((name) => rm(path.join(dir, name), { force: true })),
  );
}
