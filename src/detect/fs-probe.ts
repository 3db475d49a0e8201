import { lstat, readFile, readdir, stat } from 'node:fs/promises';

/** Small read-only filesystem questions; every one answers "no" rather than throwing on absence. */
export async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null))?.isFile() ?? false;
}

export async function isDirectory(dir: string): Promise<boolean> {
  return (await stat(dir).catch(() => null))?.isDirectory() ?? false;
}

export async function pathKind(p: string): Promise<'absent' | 'file' | 'directory' | 'other'> {
  const s = await stat(p).catch(() => null);
  if (!s) return 'absent';
  return s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other';
}

export async function isSymlink(p: string): Promise<boolean> {
  return (await lstat(p).catch(() => null))?.isSymbolicLink() ?? false;
}

export async function readText(file: string): Promise<string | null> {
  return readFile(file, 'utf8').catch(() => null);
}

export async function readJson(file: string): Promise<unknown | null> {
  const text = await readText(file);
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export async function listDir(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}
