import { createRequire } from 'node:module';
import path from 'node:path';
import { readJson, readText } from './fs-probe.js';

/** The newest Next.js major this tool knows; what `latest` and friends mean. */
export const LATEST_NEXT_MAJOR = 16;

/** Major version of the `next` actually installed for the app (resolved like Node would from the app). */
export async function installedNextMajor(appDir: string): Promise<number | null> {
  try {
    const require = createRequire(path.join(appDir, 'package.json'));
    const manifest = (await readJson(require.resolve('next/package.json'))) as { version?: unknown } | null;
    return typeof manifest?.version === 'string' ? majorOf(manifest.version) : null;
  } catch {
    return null;
  }
}

/**
 * Major version named by a dependency range: `^16.1.0` → 16, `latest` → newest known,
 * `catalog:`/`catalog:name` → looked up in pnpm-workspace.yaml, `workspace:` → unknown.
 */
export async function majorFromRange(range: string, workspaceRoot: string): Promise<number | null> {
  const value = range.trim();
  if (/^(latest|canary|rc|next|beta)$/.test(value)) return LATEST_NEXT_MAJOR;
  if (value.startsWith('workspace:')) return null;
  if (value.startsWith('catalog:')) {
    const catalog = await readText(path.join(workspaceRoot, 'pnpm-workspace.yaml'));
    const resolved = catalog ? catalogEntry(catalog, value.slice('catalog:'.length).trim(), 'next') : null;
    return resolved ? majorFromRange(resolved, workspaceRoot) : null;
  }
  if (value.startsWith('npm:')) return majorOf(value.slice(value.lastIndexOf('@') + 1));
  return majorOf(value);
}

function majorOf(version: string): number | null {
  const match = /(\d+)/.exec(version);
  return match ? Number(match[1]) : null;
}

/**
 * Reads `name` from pnpm's default `catalog:` or from `catalogs: <catalogName>:`. A line-based
 * reader is enough for the flat maps pnpm writes; anything fancier yields null (unknown).
 */
export function catalogEntry(yaml: string, catalogName: string, name: string): string | null {
  const lines = yaml.split(/\r?\n/);
  const headerIndex =
    catalogName === '' || catalogName === 'default'
      ? lines.findIndex((line) => /^catalog:\s*$/.test(line))
      : findNamedCatalog(lines, catalogName);
  if (headerIndex < 0) return null;
  const headerIndent = indentOf(lines[headerIndex] ?? '');
  for (const line of lines.slice(headerIndex + 1)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    if (indentOf(line) <= headerIndent) break;
    const match = /^\s*['"]?([^'":]+)['"]?\s*:\s*['"]?([^'"#]+?)['"]?\s*(#.*)?$/.exec(line);
    if (match && match[1] === name) return match[2] ?? null;
  }
  return null;
}

function findNamedCatalog(lines: string[], catalogName: string): number {
  const catalogsIndex = lines.findIndex((line) => /^catalogs:\s*$/.test(line));
  if (catalogsIndex < 0) return -1;
  for (let i = catalogsIndex + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() !== '' && indentOf(line) === 0) return -1;
    if (new RegExp(`^\\s+['"]?${catalogName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]?\\s*:\\s*$`).test(line)) return i;
  }
  return -1;
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
