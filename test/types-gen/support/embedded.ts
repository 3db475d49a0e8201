import { createEmbeddedEngine, type EmbeddedSqlEngine } from '../../../src/db/engine.js';

/** A fresh in-memory embedded engine with `sql` applied (no Supabase stand-in). */
export async function engineWith(sql: string): Promise<EmbeddedSqlEngine> {
  const engine = await createEmbeddedEngine();
  await engine.exec(sql);
  return engine;
}
