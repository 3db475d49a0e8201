import { detectSupabase } from '../../src/detect/supabase-dir.js';
import type { RepoSql } from '../../src/verify/database/repo-scripts.js';
import { repoTexts } from '../../src/verify/repo-texts.js';

/** The repo's SQL as verify finds it: its seed files from detection. */
export async function repoSqlAt(root: string): Promise<RepoSql> {
  return { root, texts: repoTexts(), seedFiles: (await detectSupabase(root)).seedFiles };
}
