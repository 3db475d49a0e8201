import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPreparedEngine } from '../../src/db/engine-cache.js';
import type { EmbeddedSqlEngine } from '../../src/db/engine.js';
import { IMAGE_MODULE_EXTENSIONS } from '../../src/emulation/extensions.js';
import type { GrantMode } from '../../src/emulation/install.js';

/** Stand-in images shared by the database test files of a run (and kept between runs). */
const CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'db-engines');

/**
 * A fresh PGlite with the stand-in installed, booted from a saved image when one exists. It loads
 * the modules of the image's extensions (pgcrypto, uuid-ossp) whatever SQL the test runs; verify
 * and generate load them for SQL that calls them (test/emulation/image-modules.test.ts).
 */
export async function openStandInEngine(grants: GrantMode): Promise<EmbeddedSqlEngine> {
  return (await openPreparedEngine(grants, { cacheDir: CACHE_DIR, extensions: IMAGE_MODULE_EXTENSIONS })).engine;
}
