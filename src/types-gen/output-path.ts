import path from 'node:path';
import type { ProjectFacts } from '../detect/facts.js';

/**
 * Where the types file goes, relative to the repo root (posix): the guide's types package when
 * it exists (its `db:types` target), else next to the web app's Supabase clients.
 */
export function typesOutputPath(facts: ProjectFacts): string {
  if (facts.typesPackageFile) return facts.typesPackageFile;
  return path.posix.join(facts.web.codeDir, 'lib', 'supabase', 'database.types.ts');
}
