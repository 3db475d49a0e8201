import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'smol-toml';
import type { Finding } from '../types.js';
import { EMBEDDED_POSTGRES_MAJOR } from './engine-description.js';

/** `[db] major_version` of supabase/config.toml, or null when absent or unreadable. */
export async function projectPostgresMajor(root: string): Promise<number | null> {
  const text = await readFile(path.join(root, 'supabase', 'config.toml'), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const db = (parse(text) as { db?: { major_version?: unknown } }).db;
    return typeof db?.major_version === 'number' ? db.major_version : null;
  } catch {
    return null;
  }
}

/**
 * A project on PostgreSQL 15 or 17 verified on the embedded engine (18): what 18 accepts and the
 * project's version does not would pass here, so the report says where the authoritative answer is.
 */
export async function engineVersionNotes(root: string): Promise<Finding[]> {
  const major = await projectPostgresMajor(root);
  if (major === null || major === EMBEDDED_POSTGRES_MAJOR) return [];
  return [
    {
      message: `the embedded engine is PostgreSQL ${EMBEDDED_POSTGRES_MAJOR}; this project runs PostgreSQL ${major} ([db] major_version): run with --db-url against a PostgreSQL ${major} server for the authoritative answer`,
      location: { file: 'supabase/config.toml' },
    },
  ];
}
