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
    if (clean === '*' || clean.endsWith('/*')) {
      const parent = clean === '*' ? '' : clean.slice(0, -2);
      for (const name of await listDir(path.join(root, parent))) {
        if (await isDirectory(path.join(root, parent, name))) dirs.add(parent ? path.posix.join(parent, name) : name);
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
  return (
    (await isFile(path.join(dir, 'next.config.ts'))) ||
    (await isFile(path.join(dir, 'next.config.js'))) ||
    (await isFile(path.join(dir, 'next.config.mjs')))
  );
}

export interface WebDirChoice {
  readonly dir: string;
  /**
   * Whether a web app was chosen or found: false when nothing looks like a Next.js app and there
   * is no apps/web (`dir` is then the guide's apps/web, which only a new repo may get).
   */
  readonly found: boolean;
}

/**
 * The web app directory: the explicit choice, else `apps/web` when present, else the single
 * candidate, else `apps/web` marked not found. Several candidates without a choice is an error
 * listing them.
 */
export async function resolveWebDir(root: string, rootManifest: unknown, explicit: string | undefined): Promise<WebDirChoice> {
  if (explicit !== undefined) return { dir: normaliseRelative(explicit), found: true };
  if (await isDirectory(path.join(root, DEFAULT_WEB_DIR))) return { dir: DEFAULT_WEB_DIR, found: true };
  const candidates = await findWebAppCandidates(root, rootManifest);
  if (candidates.length === 1) return { dir: candidates[0] ?? '', found: true };
  if (candidates.length > 1) {
    throw new CliError('layout', `several Next.js apps found (${candidates.join(', ')}): pass --web-dir <dir> to choose one`, candidates);
  }
  return { dir: DEFAULT_WEB_DIR, found: false };
}

/**
 * Where a web app might be when none looks like Next.js: the directories one level down (and
 * workspace packages) that have a package.json, Next.js-looking ones first. Dependencies and
 * hidden directories are left out.
 */
export async function webDirCandidates(root: string, rootManifest: unknown): Promise<string[]> {
  const globs = (await workspaceGlobs(root, rootManifest)) ?? [];
  const dirs = new Set(await expandGlobs(root, [...globs, '*']));
  const found: Array<{ dir: string; next: boolean }> = [];
  for (const dir of [...dirs].sort()) {
    if (/(^|\/)(node_modules|\.[^/]*)$/.test(dir)) continue;
    if (!(await isFile(path.join(root, dir, 'package.json')))) continue;
    found.push({ dir, next: await looksLikeNextApp(root, dir) });
  }
  return [...found.filter((f) => f.next), ...found.filter((f) => !f.next)].map((f) => f.dir);
}

export function normaliseRelative(dir: string): string {
  const posix = dir.split(path.sep).join('/');
  const normal = path.posix.normalize(posix).replace(/\/$/, '');
  return normal === '.' ? '' : normal;
}
