import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { detectSeedFiles } from '../../detect/supabase-dir.js';
import type { RepoTexts } from '../repo-texts.js';

export interface RepoScript {
  /** Relative to the repo, e.g. `supabase/migrations/20240101000000_init.sql`. */
  readonly file: string;
  readonly sql: string;
}

/**
 * The repo's SQL: every `.sql` under supabase/ (migrations, seed, declarative schemas), in path
 * order, then the seed files `[db.seed] sql_paths` names outside supabase/; with `tests`, the
 * pgTAP tests too (`.sql` and `.pg`).
 */
export async function repoScripts(root: string, texts: RepoTexts, { tests = false } = {}): Promise<RepoScript[]> {
  const dir = path.join(root, 'supabase');
  const isTest = (file: string) => file.startsWith('supabase/tests/');
  const [names, seeds] = await Promise.all([readdir(dir, { recursive: true }).catch(() => []) as Promise<string[]>, detectSeedFiles(root)]);
  const inside = names
    .map((name) => `supabase/${name.split(path.sep).join('/')}`)
    .filter((file) => (isTest(file) ? tests && (file.endsWith('.sql') || file.endsWith('.pg')) : file.endsWith('.sql')))
    .sort();
  const files = [...inside, ...seeds.filter((file) => !file.startsWith('supabase/'))];
  const scripts = await Promise.all(files.map((file) => texts.read(path.join(root, file)).catch(() => '')));
  return files.map((file, i) => ({ file, sql: scripts[i]! }));
}

/** How many characters of SQL the repo has (repoScripts with its tests). */
export async function repoSqlChars(root: string, texts: RepoTexts): Promise<number> {
  return (await repoScripts(root, texts, { tests: true })).reduce((chars, script) => chars + script.sql.length, 0);
}
