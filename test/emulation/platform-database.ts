import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPreparedEngine } from '../../src/db/engine-cache.js';
import { IMAGE_MODULE_EXTENSIONS } from '../../src/emulation/extensions.js';
import { installSupabaseStandIn } from '../../src/db/standin.js';
import { openTestDatabase, type EngineKind, type TestDatabase } from '../helpers/db-postgres.js';

/** The image cache the database tests share (see test/helpers/db-embedded.ts). */
const CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '.cache', 'db-engines');

/**
 * A new project's database, legacy grants, as the emulation installs it. Embedded: the prepared
 * image with `extensions` and the image's own extension modules (pgcrypto, uuid-ossp) loaded; its session is the non-superuser `postgres` under the
 * platform superuser's login, as verify runs user SQL. On the local server: a temporary database
 * with the emulation installed, the session being the test's role (a superuser there).
 */
export async function openPlatformDatabase(kind: EngineKind, extensions: readonly string[] = []): Promise<TestDatabase> {
  if (kind === 'embedded') {
    const { engine } = await openPreparedEngine('legacy', { cacheDir: CACHE_DIR, extensions: [...extensions, ...IMAGE_MODULE_EXTENSIONS] });
    return { engine, url: null, dispose: () => engine.close() };
  }
  const db = await openTestDatabase('postgres');
  try {
    await installSupabaseStandIn(db.engine, { grants: 'legacy' });
  } catch (error) {
    await db.dispose();
    throw error;
  }
  return db;
}
