import { constants, lstat, open, readdir, stat } from 'node:fs/promises';
import { CliError } from '../errors.js';
import { describeJsonError } from './json-error.js';

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

/** Larger than any file of a repo this tool reads; a bound so a huge or endless file fails fast. */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

export interface ReadOptions {
  /** How the file is named in an error (default: its path). */
  readonly display?: string | undefined;
  readonly maxBytes?: number | undefined;
  readonly code?: 'config' | 'target' | undefined;
}

/**
 * A regular file's text, or null when it does not exist (or cannot be read). Anything else at the
 * path (a FIFO, a device, a directory) and a file over the size bound are errors, found before a
 * byte is read: the open never blocks (O_NONBLOCK) and the checks are made on the opened file.
 */
export async function readText(file: string, options: ReadOptions = {}): Promise<string | null> {
  const display = options.display ?? file;
  const maxBytes = options.maxBytes ?? MAX_READ_BYTES;
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => null);
  if (handle === null) return null;
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new CliError(options.code ?? 'target', `${display}: not a regular file (${kindOf(info)}): refusing to read it`);
    }
    if (info.size > maxBytes) {
      throw new CliError(options.code ?? 'target', `${display}: larger than ${formatBytes(maxBytes)}: refusing to read it`);
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** A JSON file's value (a UTF-8 BOM accepted), or null when absent; not JSON is an error naming the file and the position. */
export async function readJson(file: string, options: ReadOptions = {}): Promise<unknown | null> {
  const text = await readText(file, options);
  if (text === null) return null;
  return parseJsonText(text, options.display ?? file, options.code ?? 'target');
}

export function parseJsonText(text: string, display: string, code: 'config' | 'target' = 'target'): unknown {
  const body = stripBom(text);
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new CliError(code, `${display} is not valid JSON (${describeJsonError(body)}): fix it and run again`);
  }
}

export const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

export async function listDir(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

function kindOf(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a file';
}

const formatBytes = (n: number) => (n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n} bytes`);
