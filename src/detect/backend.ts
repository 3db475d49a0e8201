import path from 'node:path';
import type { BackendFacts } from './facts.js';
import { isDirectory, isFile, listDir, readText } from './fs-probe.js';

export const DEFAULT_BACKEND_DIR = 'packages/backend';

export interface BackendDetection {
  /** The backend the phase's module goes to, or null when there is none (or no single one). */
  readonly backend: BackendFacts | null;
  /** The Python backends found when there was no --backend-dir and no packages/backend (see ProjectFacts). */
  readonly candidates: readonly string[];
}

/**
 * The Python backend: `--backend-dir` (existing or not), else the guide's packages/backend, else
 * the one Python backend found where repos keep one (the root, a top-level folder such as
 * backend/, api/ or server/, or one level further down such as apps/api or services/billing);
 * among several, the one that already holds the phase's module. Otherwise none.
 */
export async function detectBackend(root: string, explicit: string | undefined): Promise<BackendDetection> {
  if (explicit !== undefined) return { backend: await backendAt(root, explicit, 'option'), candidates: [] };
  if (await isDirectory(path.join(root, DEFAULT_BACKEND_DIR))) {
    return { backend: await backendAt(root, DEFAULT_BACKEND_DIR, 'guide'), candidates: [] };
  }
  const candidates = await findPythonBackends(root);
  const withModule = await asyncFilter(candidates, (dir) => isFile(path.join(root, dir, BACKEND_MODULE)));
  const chosen = candidates.length === 1 ? candidates[0] : withModule.length === 1 ? withModule[0] : undefined;
  return { backend: chosen === undefined ? null : await backendAt(root, chosen, 'found'), candidates };
}

/** Where the phase's module goes inside the backend (the spec's layout). */
export const BACKEND_MODULE = 'src/database.py';

async function backendAt(root: string, dir: string, source: BackendFacts['source']): Promise<BackendFacts> {
  const abs = path.join(root, dir);
  const shown = (file: string) => path.posix.join(dir, file);
  const [pyproject, requirements, hasConfig] = await Promise.all([
    readText(path.join(abs, 'pyproject.toml'), { display: shown('pyproject.toml') }),
    readText(path.join(abs, 'requirements.txt'), { display: shown('requirements.txt') }),
    isFile(path.join(abs, 'src', 'config.py')),
  ]);
  return {
    dir,
    source,
    hasPyproject: pyproject !== null,
    hasRequirements: requirements !== null,
    hasConfig,
    dependsOnSupabase: (pyproject !== null && declaresSupabase(pyproject)) || (requirements !== null && requiresSupabase(requirements)),
  };
}

/** `supabase` as a PEP 508 requirement ("supabase>=2") or a Poetry key (supabase = "^2"). */
export function declaresSupabase(pyproject: string): boolean {
  return /["']supabase\s*(?:[<>=!~;[]|["'])/i.test(pyproject) || /^\s*supabase\s*=/im.test(pyproject);
}

/** `supabase` on a line of requirements.txt (any version specifier or extras). */
export function requiresSupabase(requirements: string): boolean {
  return requirementNames(requirements).includes('supabase');
}

/**
 * Servers a Python backend is built on: a project declaring one of them (or supabase) is taken
 * for a backend, as is a Python project in a folder named like one.
 */
const SERVER_PACKAGES = [
  'aiohttp',
  'django',
  'falcon',
  'fastapi',
  'flask',
  'granian',
  'gunicorn',
  'hypercorn',
  'litestar',
  'quart',
  'robyn',
  'sanic',
  'starlette',
  'supabase',
  'tornado',
  'uvicorn',
];
const BACKEND_FOLDER_NAMES = new Set(['backend', 'api', 'server']);
const BACKEND_PARENT_FOLDERS = new Set(['apps', 'services', 'packages']);
const NOT_SEARCHED = /^(\..*|node_modules|venv|env|__pycache__|site-packages|dist|build|supabase)$/;

/**
 * Folders (relative, posix; '' for the root) holding a Python project (pyproject.toml or
 * requirements.txt) that looks like a backend: it depends on a server package, or sits where
 * backends are kept (backend/, api/, server/, apps/*, services/*, packages/*). Searched: the
 * root, its folders and theirs; sorted.
 */
export async function findPythonBackends(root: string): Promise<string[]> {
  const dirs = [''];
  for (const name of await subfolders(root, '')) {
    dirs.push(name);
    dirs.push(...(await subfolders(root, name)).map((child) => `${name}/${child}`));
  }
  const found = await Promise.all(dirs.map((dir) => looksLikePythonBackend(root, dir)));
  return dirs.filter((_, i) => found[i]).sort();
}

async function subfolders(root: string, dir: string): Promise<string[]> {
  const names = (await listDir(path.join(root, dir))).filter((name) => !NOT_SEARCHED.test(name));
  return asyncFilter(names, (name) => isDirectory(path.join(root, dir, name)));
}

async function looksLikePythonBackend(root: string, dir: string): Promise<boolean> {
  const abs = path.join(root, dir);
  // Searching, not reading what was named: what is not a readable file is no project.
  const read = (file: string) => readText(path.join(abs, file)).catch(() => null);
  const [pyproject, requirements] = await Promise.all([read('pyproject.toml'), read('requirements.txt')]);
  if (pyproject === null && requirements === null) return false;
  const parts = dir.split('/');
  const named = BACKEND_FOLDER_NAMES.has(parts.at(-1) ?? '') || (parts.length === 2 && BACKEND_PARENT_FOLDERS.has(parts[0] ?? ''));
  const names = new Set([
    ...(requirements === null ? [] : requirementNames(requirements)),
    ...(pyproject === null ? [] : pyprojectNames(pyproject)),
  ]);
  return named || SERVER_PACKAGES.some((name) => names.has(name));
}

/** Normalized (PEP 503) project names a requirements.txt lists; options, URLs and comments left out. */
function requirementNames(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('-') && !/^[a-z+]+:\/\//i.test(line))
    .flatMap((line) => {
      const name = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line)?.[1];
      return name ? [normalizeName(name)] : [];
    });
}

/** Names of PEP 508 strings in pyproject.toml and of Poetry dependency keys. */
function pyprojectNames(text: string): string[] {
  const quoted = [...text.matchAll(/["']\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:[<>=!~;[(@ ]|["'])/g)].map((m) => m[1] ?? '');
  const keys = [...text.matchAll(/^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*=/gm)].map((m) => m[1] ?? '');
  return [...quoted, ...keys].map(normalizeName);
}

const normalizeName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

async function asyncFilter<T>(items: readonly T[], keep: (item: T) => Promise<boolean>): Promise<T[]> {
  const kept = await Promise.all(items.map(keep));
  return items.filter((_, i) => kept[i]);
}
