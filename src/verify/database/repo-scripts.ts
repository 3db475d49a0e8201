import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { RepoContext } from '../types.js';
import type { RepoTexts } from '../repo-texts.js';

export interface RepoScript {
  /** Relative to the repo, e.g. `supabase/migrations/20240101000000_init.sql`. */
  readonly file: string;
  readonly sql: string;
}

/** Where the repo's SQL is: its root, its texts, and the seed files detection found (SupabaseFacts.seedFiles). */
export interface RepoSql {
  readonly root: string;
  readonly texts: RepoTexts;
  readonly seedFiles: readonly string[];
}

export const repoSqlOf = (ctx: RepoContext): RepoSql => ({ root: ctx.root, texts: ctx.texts, seedFiles: ctx.facts.supabase.seedFiles });

/**
 * The repo's SQL: every `.sql` under supabase/ (migrations, seed, declarative schemas), in path
 * order, then the seed files not among them (`[db.seed] sql_paths` may name files outside
 * supabase/, or not ending in `.sql`); with `tests`, the pgTAP tests too (`.sql` and `.pg`).
 */
export async function repoScripts({ root, texts, seedFiles }: RepoSql, { tests = false } = {}): Promise<RepoScript[]> {
  const isTest = (file: string) => file.startsWith('supabase/tests/');
  const names = (await readdir(path.join(root, 'supabase'), { recursive: true }).catch(() => [])) as string[];
  const inside = names
    .map((name) => `supabase/${name.split(path.sep).join('/')}`)
    .filter((file) => (isTest(file) ? tests && (file.endsWith('.sql') || file.endsWith('.pg')) : file.endsWith('.sql')))
    .sort();
  const files = [...inside, ...seedFiles.filter((file) => !inside.includes(file))];
  const scripts = await Promise.all(files.map((file) => texts.read(path.join(root, file)).catch(() => '')));
  return files.map((file, i) => ({ file, sql: scripts[i]! }));
}
