import { installSupabaseStandIn } from '../../src/db/standin.js';
import type { GrantMode } from '../../src/emulation/install.js';
import { openStandInEngine } from './db-embedded.js';
import { openTestDatabase, type EngineKind, type TestDatabase } from './db-postgres.js';

/** Every engine × grant defaults combination, for `describe.each`. */
export const ENGINE_GRANT_CASES = (['embedded', 'postgres'] as const).flatMap((kind) =>
  (['legacy', 'current'] as const).map((grants) => ({ kind, grants })),
);

/** A fresh database of `kind` with the Supabase stand-in installed for `grants`. */
export async function openStandInDatabase(kind: EngineKind, grants: GrantMode): Promise<TestDatabase> {
  if (kind === 'embedded') {
    const engine = await openStandInEngine(grants);
    return { engine, url: null, dispose: () => engine.close() };
  }
  const db = await openTestDatabase('postgres');
  try {
    await installSupabaseStandIn(db.engine, { grants });
  } catch (error) {
    await db.dispose();
    throw error;
  }
  return db;
}
