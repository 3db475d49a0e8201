import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Package names imported by bare specifiers in the given sources: `next/headers` → `next`,
 * `@supabase/ssr` → `@supabase/ssr`. Relative and `node:` imports are not packages.
 */
export function importedPackages(sources: readonly string[]): string[] {
  const names = new Set<string>();
  const specifier = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const source of sources) {
    for (const match of source.matchAll(specifier)) {
      const name = packageName(match[1] ?? '');
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

function packageName(spec: string): string | null {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) return null;
  const parts = spec.split('/');
  return spec.startsWith('@') ? (parts.length >= 2 ? `${parts[0]}/${parts[1]}` : null) : (parts[0] ?? null);
}

/** The packages among `names` that no `node_modules` from appDir up to the filesystem root holds. */
export async function missingPackages(appDir: string, names: readonly string[]): Promise<string[]> {
  const found = await Promise.all(names.map((name) => isInstalled(appDir, name)));
  return names.filter((_, i) => !found[i]);
}

async function isInstalled(fromDir: string, name: string): Promise<boolean> {
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    if (await isFile(path.join(dir, 'node_modules', name, 'package.json'))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** File contents, or '' for a file that cannot be read (the compiler reports it). */
export async function readSources(files: readonly string[]): Promise<string[]> {
  return Promise.all(files.map((file) => readFile(file, 'utf8').catch(() => '')));
}
