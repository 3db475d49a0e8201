import { createEmbeddedEngine, createPostgresEngine, type SqlEngine } from '../../src/db/engine.js';
import { createThrowawayDatabase } from '../../src/db/throwaway-database.js';

/** The local PostgreSQL the database tests run on (trust auth, user postgres). */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type EngineKind = 'embedded' | 'postgres';
export const ENGINE_KINDS: readonly EngineKind[] = ['embedded', 'postgres'];

export interface TestDatabase {
  readonly engine: SqlEngine;
  /** Connection URL (PostgreSQL only), for tools that connect themselves. */
  readonly url: string | null;
  dispose(): Promise<void>;
}

/** A fresh PGlite, or a throwaway database on the local server that `dispose` drops. */
export async function openTestDatabase(kind: EngineKind): Promise<TestDatabase> {
  if (kind === 'embedded') {
    const engine = await createEmbeddedEngine();
    return { engine, url: null, dispose: () => engine.close() };
  }
  const db = await createThrowawayDatabase(ADMIN_URL);
  const engine = await createPostgresEngine(db.url).catch(async (error: unknown) => {
    await db.drop();
    throw error;
  });
  return {
    engine,
    url: db.url,
    async dispose() {
      await engine.close();
      await db.drop();
    },
  };
}
