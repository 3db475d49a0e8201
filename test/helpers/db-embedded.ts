import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPreparedEngine } from '../../src/db/engine-cache.js';
import type { EmbeddedSqlEngine } from '../../src/db/engine.js';
import type { GrantMode } from '../../src/emulation/install.js';

/** Stand-in images shared by the database test files of a run (and kept between runs). */
const CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'db-engines');

/** A fresh PGlite with the stand-in installed, booted from a saved image when one exists. */
export async function openStandInEngine(grants: GrantMode): Promise<EmbeddedSqlEngine> {
  return (await openPreparedEngine(grants, { cacheDir: CACHE_DIR })).engine;
}
