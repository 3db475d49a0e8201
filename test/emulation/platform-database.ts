import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmbeddedEngine } from '../../src/db/engine.js';
import { installSupabaseStandIn } from '../../src/db/standin.js';
import { openTestDatabase, type EngineKind, type TestDatabase } from '../helpers/db-postgres.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

/** The emulation files this branch owns, in install order. */
const PLATFORM_FILES = ['resources/emulation/sql/30_storage.sql', 'resources/emulation/sql/40_realtime.sql'];

/**
 * A database as the platform leaves it for storage and realtime: today's stand-in, the platform
 * roles when missing, then the storage and realtime SQL. The embedded engine loads `extensions`.
 */
export async function openPlatformDatabase(kind: EngineKind, extensions: readonly string[] = []): Promise<TestDatabase> {
  const db =
    kind === 'embedded'
      ? await createEmbeddedEngine({ extensions }).then((engine) => ({ engine, url: null, dispose: () => engine.close() }))
      : await openTestDatabase('postgres');
  try {
    await installSupabaseStandIn(db.engine, { grants: 'legacy' });
    await db.engine.exec(readFileSync(path.join(here, 'platform-roles.sql'), 'utf8'));
    for (const file of PLATFORM_FILES) await db.engine.exec(readFileSync(path.join(root, file), 'utf8'));
  } catch (error) {
    await db.dispose();
    throw error;
  }
  return db;
}
