import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { RepoTexts } from '../repo-texts.js';

export interface RepoScript {
  /** Relative to the repo, e.g. `supabase/migrations/20240101000000_init.sql`. */
  readonly file: string;
  readonly sql: string;
}

/**
 * The repo's SQL: every `.sql` under supabase/ (migrations, seed,
 * declarative schemas), in path order; with `tests`, the pgTAP tests too (`.sql` and `.pg`).
 */
export async function repoScripts(root: string, texts: RepoTexts, { tests = false } = {}): Promise<RepoScript[]> {
  const dir = path.join(root, 'supabase');
  const isTest = (name: string) => name.startsWith('tests/');
  const names = ((await readdir(dir, { recursive: true }).catch(() => [])) as string[])
    .map((name) => name.split(path.sep).join('/'))
    .filter((name) => (isTest(name) ? tests && (name.endsWith('.sql') || name.endsWith('.pg')) : name.endsWith('.sql')))
    .sort();
  const scripts = await Promise.all(names.map((name) => texts.read(path.join(dir, name)).catch(() => '')));
  return names.map((name, i) => ({ file: `supabase/${name}`, sql: scripts[i]! }));
}
