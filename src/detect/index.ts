import path from 'node:path';
import { CliError } from '../errors.js';
import { DEFAULT_BACKEND_DIR, detectBackend } from './backend.js';
import { detectEnvModule } from './env-module.js';
import type { BackendFacts, ProjectFacts, WebFacts } from './facts.js';
import { isDirectory, isFile, listDir, pathKind, readJson } from './fs-probe.js';
import { assertUsablePath } from './path-limits.js';
import { LATEST_NEXT_MAJOR, installedNextMajor, majorFromRange } from './next-version.js';
import { detectPackageManager } from './package-manager.js';
import { readScaffoldConfig, SCAFFOLD_CONFIG_FILE } from './scaffold-config.js';
import { detectSupabase } from './supabase-dir.js';
import { dependenciesOf, resolveWebDir, workspaceGlobs } from './web-app.js';

export interface DetectHints {
  /** Web app directory relative to the root (from --web-dir or a prompt). */
  readonly webDir?: string | undefined;
  /** Backend directory relative to the root (from --backend-dir). */
  readonly backendDir?: string | undefined;
}

export const TYPES_PACKAGE_FILE = 'packages/types/src/database.ts';

/** Everything generate, verify and types need to know about a repo, read once and never written. */
export async function detectProject(rootInput: string, hints: DetectHints = {}): Promise<ProjectFacts> {
  const root = path.resolve(rootInput);
  await assertUsablePath(root, rootInput);
  for (const [flag, dir] of [
    ['--web-dir', hints.webDir],
    ['--backend-dir', hints.backendDir],
  ] as const) {
    if (dir !== undefined) await assertUsablePath(path.join(root, dir), `${flag} ${dir}`);
  }
  const kind = await pathKind(root);
  if (kind === 'file' || kind === 'other') {
    throw new CliError('target', `${rootInput} is a file, not a directory: pass a directory to scaffold into`);
  }
  const rootManifest = await readJson(path.join(root, 'package.json'), { display: 'package.json' });
  const webChoice = await resolveWebDir(root, rootManifest, hints.webDir);
  const webDir = webChoice.dir;
  const [packageManager, globs, web, backendDetection, supabase, scaffoldConfig, hasTypesPackage] = await Promise.all([
    detectPackageManager(root, rootManifest as Record<string, unknown> | null),
    workspaceGlobs(root, rootManifest),
    detectWeb(root, webDir, webChoice.found),
    detectBackend(root, hints.backendDir),
    detectSupabase(root),
    readScaffoldConfig(path.join(root, SCAFFOLD_CONFIG_FILE), SCAFFOLD_CONFIG_FILE),
    isDirectory(path.join(root, 'packages', 'types')),
  ]);
  // A new repo gets the guide's whole monorepo, backend included; an existing one keeps what it has.
  const isNewRepo = rootManifest === null && !web.hasPackageJson;
  const backend = backendDetection.backend ?? (isNewRepo ? newBackend() : null);
  return {
    root,
    exists: kind === 'directory',
    isNewRepo,
    isNewDirectory: kind === 'absent' || (await listDir(root)).every((name) => name === '.git'),
    packageManager,
    isWorkspace: globs !== null,
    web,
    backend,
    pythonBackends: backendDetection.candidates,
    supabase,
    scaffoldConfig,
    typesPackageFile: hasTypesPackage ? TYPES_PACKAGE_FILE : null,
  };
}

function newBackend(): BackendFacts {
  return {
    dir: DEFAULT_BACKEND_DIR,
    source: 'new',
    hasPyproject: false,
    hasRequirements: false,
    hasConfig: false,
    dependsOnSupabase: false,
  };
}

async function detectWeb(root: string, dir: string, found: boolean): Promise<WebFacts> {
  const appDir = path.join(root, dir);
  const manifest = await readJson(path.join(appDir, 'package.json'), { display: dir ? `${dir}/package.json` : 'package.json' });
  const usesSrcDir = (await isDirectory(path.join(appDir, 'src', 'app'))) && !(await isDirectory(path.join(appDir, 'app')));
  const codeDir = usesSrcDir ? path.posix.join(dir, 'src') : dir;
  const rel = (name: string) => (codeDir ? path.posix.join(codeDir, name) : name);
  const [proxyExists, middlewareExists, envModule, hasSupabaseLib, installed] = await Promise.all([
    isFile(path.join(root, rel('proxy.ts'))),
    isFile(path.join(root, rel('middleware.ts'))),
    detectEnvModule(root, codeDir),
    isDirectory(path.join(root, rel('lib/supabase'))),
    installedNextMajor(appDir),
  ]);
  const dependencies = dependenciesOf(manifest);
  const { major, source } = await nextMajor(installed, dependencies['next'], root, proxyExists, middlewareExists);
  return {
    dir,
    found,
    hasPackageJson: manifest !== null,
    usesSrcDir,
    codeDir,
    nextMajor: major,
    nextMajorSource: source,
    proxyFile: proxyExists ? rel('proxy.ts') : null,
    middlewareFile: middlewareExists ? rel('middleware.ts') : null,
    envModule,
    hasSupabaseLib,
    dependencies,
  };
}

async function nextMajor(
  installed: number | null,
  range: string | undefined,
  root: string,
  proxyExists: boolean,
  middlewareExists: boolean,
): Promise<{ major: number; source: WebFacts['nextMajorSource'] }> {
  if (installed !== null) return { major: installed, source: 'installed' };
  const fromRange = range === undefined ? null : await majorFromRange(range, root);
  if (fromRange !== null) return { major: fromRange, source: 'package.json' };
  if (proxyExists) return { major: 16, source: 'files' };
  if (middlewareExists) return { major: 15, source: 'files' };
  return { major: LATEST_NEXT_MAJOR, source: 'default' };
}
