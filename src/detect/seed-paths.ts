/**
 * The seed files `supabase db reset` loads: each `[db.seed] sql_paths` entry is relative to
 * supabase/ and may hold `*` and `**` globs (matched against the files under supabase/); entries
 * are taken in the order written, each file once. Without `sql_paths`, supabase/seed.sql.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isFile } from './fs-probe.js';

export const DEFAULT_SEED_FILE = 'supabase/seed.sql';

/** Paths relative to the repo root (posix), in the order the CLI loads them. */
export async function seedFiles(root: string, seedPaths: readonly string[] | null): Promise<string[]> {
  if (seedPaths === null) return (await isFile(path.join(root, DEFAULT_SEED_FILE))) ? [DEFAULT_SEED_FILE] : [];
  const supabaseDir = path.join(root, 'supabase');
  const globbed = seedPaths.some((p) => /[*?]/.test(p));
  const all = globbed
    ? (await readdir(supabaseDir, { recursive: true }).catch(() => [])).map((p) => p.split(path.sep).join('/')).sort()
    : [];
  const files: string[] = [];
  for (const pattern of seedPaths) {
    const normalized = path.posix.normalize(pattern).replace(/^\.\//, '');
    const matches = /[*?]/.test(normalized) ? all.filter((p) => globToRegExp(normalized).test(p)) : [normalized];
    for (const match of matches) {
      const file = path.posix.normalize(`supabase/${match}`);
      if (!files.includes(file) && (await isFile(path.join(root, file)))) files.push(file);
    }
  }
  return files;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      const dirs = glob[i + 2] === '/';
      source += dirs ? '(?:.*/)?' : '.*';
      i += dirs ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
