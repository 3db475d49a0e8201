import path from 'node:path';
import { CliError } from '../errors.js';
import { isDirectory, isFile, listDir, readJson, readText } from './fs-probe.js';

export const DEFAULT_WEB_DIR = 'apps/web';

type Manifest = { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; workspaces?: unknown };

export function dependenciesOf(manifest: unknown): Record<string, string> {
  const m = (manifest ?? {}) as Manifest;
  return { ...(m.devDependencies ?? {}), ...(m.dependencies ?? {}) };
}

/** Workspace package globs from pnpm-workspace.yaml or package.json `workspaces`. */
export async function workspaceGlobs(root: string, rootManifest: unknown): Promise<string[] | null> {
  const pnpm = await readText(path.join(root, 'pnpm-workspace.yaml'));
  if (pnpm !== null) return parsePnpmPackages(pnpm);
  const workspaces = (rootManifest as Manifest | null)?.workspaces;
  if (Array.isArray(workspaces)) return workspaces.filter((w): w is string => typeof w === 'string');
  if (workspaces && typeof workspaces === 'object') {
    const packages = (workspaces as { packages?: unknown }).packages;
    if (Array.isArray(packages)) return packages.filter((w): w is string => typeof w === 'string');
  }
  return null;
}

function parsePnpmPackages(yaml: string): string[] {
  const globs: string[] = [];
  let inPackages = false;
  for (const line of yaml.split(/\r?\n/)) {
    if (/^packages:\s*$/.test(line)) {
      inPackages = true;
      continue;
    }
    if (inPackages) {
      const item = /^\s+-\s*['"]?([^'"#]+?)['"]?\s*(#.*)?$/.exec(line);
      if (item?.[1]) globs.push(item[1]);
      else if (line.trim() !== '' && !line.startsWith(' ')) inPackages = false;
    }
  }
  return globs;
}

/** Directories matched by simple workspace globs (`apps/*`, `packages/web`); `**` is treated like `*`. */
async function expandGlobs(root: string, globs: string[]): Promise<string[]> {
  const dirs = new Set<string>();
  for (const glob of globs) {
    if (glob.startsWith('!')) continue;
    const clean = glob.replace(/\/\*\*$/, '/*').replace(/\/$/, '');
    if (clean.endsWith('/*')) {
      const parent = clean.slice(0, -2);
      for (const name of await listDir(path.join(root, parent))) {
        if (await isDirectory(path.join(root, parent, name))) dirs.add(path.posix.join(parent, name));
      }
    } else if (!clean.includes('*')) {
      dirs.add(clean);
    }
  }
  return [...dirs].sort();
}

/** Workspace packages (or the root) that look like a Next.js app: `next` dependency or an app/ dir. */
export async function findWebAppCandidates(root: string, rootManifest: unknown): Promise<string[]> {
  const globs = await workspaceGlobs(root, rootManifest);
  const dirs = globs ? await expandGlobs(root, globs) : [];
  const candidates: string[] = [];
  for (const dir of dirs) {
    if (await looksLikeNextApp(root, dir)) candidates.push(dir);
  }
  if (candidates.length === 0 && (await looksLikeNextApp(root, ''))) candidates.push('');
  return candidates;
}

async function looksLikeNextApp(root: string, relative: string): Promise<boolean> {
  const dir = path.join(root, relative);
  const manifest = await readJson(path.join(dir, 'package.json'), { display: relative ? `${relative}/package.json` : 'package.json' });
  if (manifest && 'next' in dependenciesOf(manifest)) return true;
  return (await isFile(path.join(dir, 'next.config.ts'))) || (await isFile(path.join(dir, 'next.config.js'))) || (await isFile(path.join(dir, 'next.config.mjs')));
}

/**
 * The web app directory: the explicit choice, else `apps/web` when present, else the single
 * candidate, else `apps/web` (the guide's layout, for a new repo). Several candidates without a
 * choice is an error listing them.
 */
export async function resolveWebDir(root: string, rootManifest: unknown, explicit: string | undefined): Promise<string> {
  if (explicit !== undefined) return normaliseRelative(explicit);
  if (await isDirectory(path.join(root, DEFAULT_WEB_DIR))) return DEFAULT_WEB_DIR;
  const candidates = await findWebAppCandidates(root, rootManifest);
  if (candidates.length === 1) return candidates[0] ?? '';
  if (candidates.length > 1) {
    throw new CliError('layout', `several Next.js apps found (${candidates.join(', ')}): pass --web-dir <dir> to choose one`, candidates);
  }
  return DEFAULT_WEB_DIR;
}

export function normaliseRelative(dir: string): string {
  const posix = dir.split(path.sep).join('/');
  const normal = path.posix.normalize(posix).replace(/\/$/, '');
  return normal === '.' ? '' : normal;
}
