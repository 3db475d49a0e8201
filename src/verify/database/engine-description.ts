import type { VerifyReport } from '../types.js';

/** The PostgreSQL major version of the embedded engine (PGlite 0.5). */
export const EMBEDDED_POSTGRES_MAJOR = 18;

/** How reports name the database the checks ran on. */
export function engineDescription(engine: VerifyReport['engine']): string {
  return engine === 'embedded' ? `emulated Supabase (PostgreSQL ${EMBEDDED_POSTGRES_MAJOR} via PGlite)` : 'temporary database on --db-url';
}
