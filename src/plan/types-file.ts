import { normaliseLineEndings } from './plan.js';
import type { Plan, PlannedFile } from './types.js';

export interface TypesFileTarget {
  /** The directory the plan writes under: the repo, or an --out file's directory. */
  readonly root: string;
  /** Relative to root, posix. */
  readonly path: string;
}

/**
 * The `types` command's plan: one file, ours to regenerate. Pure: `previous` is what is on disk
 * (null when absent); line endings do not count as a difference.
 */
export function typesFilePlan(target: TypesFileTarget, content: string, previous: string | null): Plan {
  return { root: target.root, files: [typesFile(target.path, content, previous)], notes: [], nextSteps: [], addedWebDependencies: [] };
}

function typesFile(path: string, content: string, previous: string | null): PlannedFile {
  const base = { path, group: 'types' as const, content, previous, forceable: false };
  if (previous === null) return { ...base, status: 'create', reason: 'new file' };
  if (normaliseLineEndings(previous) === normaliseLineEndings(content)) return { ...base, status: 'unchanged', reason: 'identical' };
  return { ...base, status: 'update', reason: 'regenerated from the migrations' };
}
