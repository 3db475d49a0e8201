/**
 * What a compilation learned from the filesystem, recorded so that a later run can tell whether
 * every answer still holds without loading the compiler. The answers are computed here with the
 * same rules as TypeScript's `ts.sys` (a file or directory exists when `stat` says so, following
 * links; a directory's subdirectories are sorted, links to directories included; a real path
 * falls back to the path), and a file read is known by the digest of its bytes.
 *
 * A file whose size, modification and change times and inode are those recorded is not read
 * again, as git trusts its index: writing a file moves its change time, which no tool can set
 * back. Unless the recorded times are within RACY_MS of the recording, when a second write in
 * the same clock tick could leave them as they were: such a file is read and digested.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export type ObservationKind = 'file' | 'dir' | 'dirs' | 'realpath' | 'read';

/** A file's size, mtimeMs, ctimeMs and inode. */
export type FileSignature = readonly [size: number, mtimeMs: number, ctimeMs: number, ino: number];

/** A file read: the sha256 of its bytes and its signature before the read; null when it could not be read. */
export interface ReadValue {
  readonly digest: string;
  readonly signature: FileSignature;
}

export type ObservationValue = boolean | string | readonly string[] | ReadValue | null;

/** How close to the recording a file's times must be for its signature not to be trusted. */
const RACY_MS = 3_000;

export type Observation = readonly [kind: ObservationKind, path: string, value: ObservationValue];

function statOf(file: string) {
  try {
    return statSync(file, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

export const isFile = (file: string): boolean => statOf(file)?.isFile() ?? false;

export const isDirectory = (dir: string): boolean => statOf(dir)?.isDirectory() ?? false;

export function subdirectories(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir || '.', { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    const kind = entry.isSymbolicLink() ? statOf(path.join(dir, entry.name)) : entry;
    if (kind?.isDirectory()) found.push(entry.name);
  }
  return found.sort();
}

export function realPath(file: string): string {
  try {
    return realpathSync.native(file);
  } catch {
    return file;
  }
}

const digest = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64');

function signatureOf(file: string): FileSignature | null {
  const stat = statOf(file);
  return stat?.isFile() ? [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino] : null;
}

/** The file's signature, then its bytes' digest (in that order: a write in between shows as a change). */
export function readValue(file: string): ReadValue | null {
  const signature = signatureOf(file);
  if (!signature) return null;
  try {
    return { digest: digest(readFileSync(file)), signature };
  } catch {
    return null;
  }
}

/** Collects each question's first answer; the compiler asks many of them more than once. */
export class ObservationLog {
  private readonly seen = new Map<string, Observation>();

  /** Records `value` as the answer to `kind` of `file`, unless an answer is recorded already. */
  note<T extends ObservationValue>(kind: ObservationKind, file: string, value: T): T {
    const key = `${kind}\0${file}`;
    if (!this.seen.has(key)) this.seen.set(key, [kind, file, value]);
    return value;
  }

  observations(): Observation[] {
    return [...this.seen.values()];
  }
}

const sameList = (a: readonly unknown[], b: readonly unknown[]): boolean => a.length === b.length && a.every((item, i) => item === b[i]);

const sameValue = (a: ObservationValue, b: ObservationValue): boolean => (Array.isArray(a) && Array.isArray(b) ? sameList(a, b) : a === b);

function answerNow(kind: Exclude<ObservationKind, 'read'>, file: string): ObservationValue {
  switch (kind) {
    case 'file':
      return isFile(file);
    case 'dir':
      return isDirectory(file);
    case 'dirs':
      return subdirectories(file);
    case 'realpath':
      return realPath(file);
  }
}

/**
 * Whether every observation recorded at `recordedAt` (ms since the epoch) still holds, stopping
 * at the first that does not. Files whose signature cannot be trusted are read last.
 */
export async function stillHolds(observations: readonly Observation[], recordedAt: number): Promise<boolean> {
  const toRead: Array<readonly [string, string]> = [];
  for (const [kind, file, value] of observations) {
    if (kind !== 'read') {
      if (!sameValue(answerNow(kind, file), value)) return false;
      continue;
    }
    const recorded = value as ReadValue | null;
    const signature = signatureOf(file);
    if (!recorded || !signature) {
      if (recorded !== signature) return false;
      continue;
    }
    const [, mtimeMs, ctimeMs] = recorded.signature;
    const trusted = Math.max(mtimeMs, ctimeMs) < recordedAt - RACY_MS;
    if (!trusted || !sameList(signature, recorded.signature)) toRead.push([file, recorded.digest]);
  }
  for (const [file, expected] of toRead) {
    if ((await readFile(file).then(digest, () => null)) !== expected) return false;
  }
  return true;
}
