import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { embeddedExtensionsFor } from '../../emulation/extensions.js';
import { repoTexts, type RepoTexts } from '../repo-texts.js';

/**
 * The extensions the embedded engine must load for this repo: those its migrations and seed files
 * (every `.sql` under supabase/ but the pgTAP tests) create for real. Empty for a repo that
 * creates none, which then boots with no extension module.
 */
export async function repoEmbeddedExtensions(root: string, texts: RepoTexts = repoTexts()): Promise<string[]> {
  const dir = path.join(root, 'supabase');
  const names = ((await readdir(dir, { recursive: true }).catch(() => [])) as string[])
    .map((name) => name.split(path.sep).join('/'))
    .filter((name) => name.endsWith('.sql') && !name.startsWith('tests/'));
  const scripts = await Promise.all(names.map((name) => texts.read(path.join(dir, name)).catch(() => '')));
  return embeddedExtensionsFor(scripts);
}
