import { access, constants, readdir, readlink, realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Whether a PATH interpreter could possibly import `supabase`, decided from the filesystem so
 * that a repo with nothing installed costs no Python start-up (a version manager's shim alone
 * takes about a second). Conservative: "absent" only when no site-packages directory the
 * interpreter may use holds a `supabase` package; anything unusual is left to the probe.
 */
export type PathPythons =
  /** None of the names is an executable on PATH. */
  | { readonly kind: 'none' }
  /** Found, and no site-packages they could use holds `supabase`. */
  | { readonly kind: 'without-supabase'; readonly found: readonly string[] }
  /** Possibly installed (or undecidable here): run the probe. */
  | { readonly kind: 'maybe' };

export async function pathPythons(names: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<PathPythons> {
  if (process.platform === 'win32') return { kind: 'maybe' };
  const found = (await Promise.all(names.map((name) => onPath(name, env['PATH'] ?? '')))).filter((f): f is string => f !== null);
  if (found.length === 0) return { kind: 'none' };
  const dirs = [...(await Promise.all(found.map(sitePackagesOf))).flat(), ...(await userSitePackages(env)), ...pythonPath(env)];
  const hits = await Promise.all([...new Set(dirs)].map((dir) => isDirectory(path.join(dir, 'supabase'))));
  return hits.some(Boolean) ? { kind: 'maybe' } : { kind: 'without-supabase', found };
}

async function onPath(name: string, searchPath: string): Promise<string | null> {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    try {
      await access(file, constants.X_OK);
      if ((await stat(file)).isFile()) return file;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * site-/dist-packages under the interpreter's prefix (as found, at each link it goes through — a
 * virtualenv's python is a link to the base interpreter — and as resolved), under
 * `<prefix>/local` (Debian's pip) and, for a version manager's shim, under each installed version.
 */
async function sitePackagesOf(executable: string): Promise<string[]> {
  const chain = [executable, ...(await linkChain(executable)), await realpath(executable).catch(() => executable)];
  const prefixes = [...new Set(chain.map((file) => path.dirname(path.dirname(file))))];
  const libs = prefixes.flatMap((prefix) => [path.join(prefix, 'lib'), path.join(prefix, 'lib64'), path.join(prefix, 'local', 'lib')]);
  const versions = (await Promise.all(prefixes.map((prefix) => subdirs(path.join(prefix, 'versions'))))).flat();
  libs.push(...versions.map((version) => path.join(version, 'lib')));
  return (await Promise.all(libs.map(packagesDirsIn))).flat();
}

async function linkChain(file: string): Promise<string[]> {
  const hops: string[] = [];
  for (let current = file; hops.length < 16;) {
    const target = await readlink(current).catch(() => null);
    if (target === null) break;
    current = path.resolve(path.dirname(current), target);
    hops.push(current);
  }
  return hops;
}

async function packagesDirsIn(lib: string): Promise<string[]> {
  const pythons = (await subdirs(lib)).filter((dir) => path.basename(dir).startsWith('python3'));
  return pythons.flatMap((dir) => [path.join(dir, 'site-packages'), path.join(dir, 'dist-packages')]);
}

/** The user site (`pip install --user`): ~/.local/lib/python3.X/site-packages, or macOS's ~/Library/Python/3.X/lib/python/site-packages. */
async function userSitePackages(env: NodeJS.ProcessEnv): Promise<string[]> {
  const home = env['HOME'] || os.homedir();
  const bases = [env['PYTHONUSERBASE'], path.join(home, '.local')].filter((b): b is string => Boolean(b));
  const linux = (await Promise.all(bases.map((base) => packagesDirsIn(path.join(base, 'lib'))))).flat();
  const mac = (await subdirs(path.join(home, 'Library', 'Python'))).map((version) => path.join(version, 'lib', 'python', 'site-packages'));
  return [...linux, ...mac];
}

function pythonPath(env: NodeJS.ProcessEnv): string[] {
  return (env['PYTHONPATH'] ?? '').split(path.delimiter).filter(Boolean);
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() || e.isSymbolicLink())
      .map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
