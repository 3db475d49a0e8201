import path from 'node:path';
import type { BackendFacts } from './facts.js';
import { isDirectory, isFile, readText } from './fs-probe.js';

export const DEFAULT_BACKEND_DIR = 'packages/backend';

/** The Python backend package, when there is one (or an explicit directory, existing or not). */
export async function detectBackend(root: string, explicit: string | undefined): Promise<BackendFacts | null> {
  const dir = explicit ?? DEFAULT_BACKEND_DIR;
  const abs = path.join(root, dir);
  if (explicit === undefined && !(await isDirectory(abs))) return null;
  const pyproject = await readText(path.join(abs, 'pyproject.toml'), { display: `${dir}/pyproject.toml` });
  return {
    dir,
    hasPyproject: pyproject !== null,
    hasConfig: await isFile(path.join(abs, 'src', 'config.py')),
    dependsOnSupabase: pyproject !== null && declaresSupabase(pyproject),
  };
}

/** `supabase` as a PEP 508 requirement ("supabase>=2") or a Poetry key (supabase = "^2"). */
export function declaresSupabase(pyproject: string): boolean {
  return /["']supabase\s*(?:[<>=!~;[]|["'])/i.test(pyproject) || /^\s*supabase\s*=/im.test(pyproject);
}
