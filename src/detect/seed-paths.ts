/**
 * The seed files `supabase db reset` loads, as the Supabase CLI finds them (pkg/config,
 * `loadSeedPaths`): none when `[db.seed] enabled = false`; else each `sql_paths` entry is joined
 * to supabase/ (`..` collapsing, so an entry may name a file beside supabase/), matched with Go's
 * `fs.Glob` (`*` stops at `/`, no `**`, `[…]` classes), each entry's matches sorted byte-wise,
 * taken in the order written, each file once. Without `sql_paths`, `./seed.sql`.
 */
import path from 'node:path';
import { isFile } from './fs-probe.js';
import { byteOrder, glob, hasMeta, segmentMatcher } from './schema-paths.js';

export const DEFAULT_SEED_FILE = 'supabase/seed.sql';
const DEFAULT_SEED_PATHS = ['./seed.sql'];

export interface SeedFiles {
  /** Paths relative to the repo root (posix), in the order the CLI loads them. */
  readonly files: readonly string[];
  /** `sql_paths` entries that match no file (the CLI warns of each and goes on). */
  readonly unmatched: readonly string[];
}

export async function seedFiles(root: string, seedPaths: readonly string[] | null, enabled = true): Promise<SeedFiles> {
  if (!enabled) return { files: [], unmatched: [] };
  const files: string[] = [];
  const unmatched: string[] = [];
  for (const entry of seedPaths ?? DEFAULT_SEED_PATHS) {
    const pattern = repoPattern(entry);
    const matches = pattern === null ? [] : await glob(root, pattern);
    const found = (await Promise.all(matches.map(async (match) => ((await isFile(path.join(root, match))) ? match : null)))).filter(
      (match): match is string => match !== null,
    );
    if (found.length === 0) unmatched.push(entry);
    for (const file of found.sort(byteOrder)) if (!files.includes(file)) files.push(file);
  }
  return { files, unmatched };
}

/** Whether `sql_paths` (null: the default) names `file` (relative to the repo root), by pattern alone: the file need not exist. */
export function seedPathsInclude(seedPaths: readonly string[] | null, file: string): boolean {
  const target = file.split('/');
  return (seedPaths ?? DEFAULT_SEED_PATHS).some((entry) => {
    const segments = repoPattern(entry)?.split('/');
    return (
      segments?.length === target.length &&
      segments.every((segment, i) => (hasMeta(segment) ? (segmentMatcher(segment)?.test(target[i]!) ?? false) : segment === target[i]))
    );
  });
}

/** The entry as a pattern relative to the repo root; null for one outside the repo (absolute, or above it). */
function repoPattern(entry: string): string | null {
  if (entry === '' || path.posix.isAbsolute(entry)) return null;
  const joined = path.posix.join('supabase', entry);
  return joined === '..' || joined.startsWith('../') ? null : joined;
}
