import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { embeddedExtensionsFor } from '../../emulation/extensions.js';

/**
 * The extensions the embedded engine must load for this repo: those its migrations and seed files
 * (every `.sql` under supabase/ but the pgTAP tests) create for real. Empty for a repo that
 * creates none, which then boots with no extension module.
 */
export async function repoEmbeddedExtensions(root: string): Promise<string[]> {
  const dir = path.join(root, 'supabase');
  const names = ((await readdir(dir, { recursive: true }).catch(() => [])) as string[])
    .map((name) => name.split(path.sep).join('/'))
    .filter((name) => name.endsWith('.sql') && !name.startsWith('tests/'));
  const scripts = await Promise.all(names.map((name) => readFile(path.join(dir, name), 'utf8').catch(() => '')));
  return embeddedExtensionsFor(scripts);
}
