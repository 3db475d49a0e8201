import type { Finding } from '../types.js';
import { EMBEDDED_POSTGRES_MAJOR } from './engine-description.js';

/**
 * A project on PostgreSQL 15 or 17 verified on the embedded engine (18): what 18 accepts and the
 * project's version does not would pass here, so the report says where the authoritative answer is.
 * `major` is `[db] major_version` of supabase/config.toml, as detection read it.
 */
export function engineVersionNotes(major: number | null): Finding[] {
  if (major === null || major === EMBEDDED_POSTGRES_MAJOR) return [];
  return [
    {
      message: `the embedded engine is PostgreSQL ${EMBEDDED_POSTGRES_MAJOR}; this project runs PostgreSQL ${major} ([db] major_version): run with --db-url against a PostgreSQL ${major} server for the authoritative answer`,
      location: { file: 'supabase/config.toml' },
    },
  ];
}
