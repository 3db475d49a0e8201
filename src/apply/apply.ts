import * as nodeFs from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import { isMigration } from '../plan/plan.js';
import type { Plan, PlannedFile } from '../plan/types.js';
import { WRITES } from '../plan/types.js';
import { assertUnchangedSincePlan, resolveWriteTarget, writeInPlace, type WriteTarget } from './file-identity.js';
import { assertInsideRoot, assertWritable } from './safe-path.js';

/** The filesystem calls apply makes; tests swap one to inject a failure mid-run. */
export interface ApplyFs {
  mkdir(dir: string): Promise<unknown>;
  writeFile(file: string, data: string | Buffer): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  readFile(file: string): Promise<Buffer>;
  rm(file: string): Promise<void>;
  rmdir(dir: string): Promise<void>;
  stat(file: string): Promise<{ mode: number } | null>;
  chmod(file: string, mode: number): Promise<void>;
  exists(file: string): Promise<boolean>;
}

export const realFs: ApplyFs = {
  mkdir: (dir) => nodeFs.mkdir(dir),
  writeFile: (file, data) => nodeFs.writeFile(file, data, { flag: 'wx' }),
  rename: (from, to) => nodeFs.rename(from, to),
  copyFile: (from, to) => nodeFs.copyFile(from, to, nodeFs.constants.COPYFILE_EXCL),
  readFile: (file) => nodeFs.readFile(file),
  rm: (file) => nodeFs.rm(file, { force: true }),
  rmdir: (dir) => nodeFs.rmdir(dir),
  stat: (file) => nodeFs.stat(file).catch(() => null),
  chmod: (file, mode) => nodeFs.chmod(file, mode),
  exists: (file) => nodeFs.access(file).then(() => true, () => false),
};

export interface ApplyResult {
  readonly written: readonly string[];
  /** Backups made before overwriting (relative paths). */
  readonly backups: ReadonlyArray<{ readonly path: string; readonly backup: string }>;
}

type JournalEntry =
  | { kind: 'dir'; abs: string }
  | { kind: 'created'; abs: string }
  | { kind: 'replaced'; abs: string; original: Buffer; mode: number | null; backup: string | null; inPlace: boolean };

/**
 * The only code that writes. Each file goes to a temp file in its own directory and is renamed
 * into place; a journal records every step so that an error or an abort (SIGINT/SIGTERM via
 * `signal`) removes what this run created and restores what it replaced.
 */
export async function applyPlan(plan: Plan, options: { signal?: AbortSignal; fs?: ApplyFs } = {}): Promise<ApplyResult> {
  const fs = options.fs ?? realFs;
  const toWrite = plan.files.filter((file) => WRITES.has(file.status));
  const targets = new Map<string, WriteTarget>();
  for (const file of toWrite) {
    if (isMigration(file.path) && file.status !== 'create') {
      throw new CliError('io', `refusing to modify the existing migration ${file.path}`);
    }
    await assertInsideRoot(plan.root, file.path);
    await assertWritable(plan.root, file.path);
    targets.set(file.path, await resolveWriteTarget(plan.root, file));
  }
  const journal: JournalEntry[] = [];
  const backups: Array<{ path: string; backup: string }> = [];
  try {
    for (const file of toWrite) {
      if (options.signal?.aborted) throw new CliError('cancelled', 'interrupted: every change of this run was undone');
      const backup = await writeOne(plan.root, file, targets.get(file.path)!, fs, journal);
      if (backup) backups.push({ path: file.path, backup });
    }
  } catch (error) {
    await rollback(journal, fs);
    if (error instanceof CliError) throw error;
    throw new CliError('io', `could not write: ${(error as Error).message}; every change of this run was undone`);
  }
  return { written: toWrite.map((f) => f.path), backups };
}

async function writeOne(root: string, file: PlannedFile, target: WriteTarget, fs: ApplyFs, journal: JournalEntry[]): Promise<string | null> {
  const abs = path.join(root, file.path);
  await ensureDir(path.dirname(abs), fs, journal);
  let backup: string | null = null;
  if (file.status === 'create') {
    if (await fs.exists(abs)) throw new CliError('io', `${file.path} appeared while writing; nothing was overwritten`);
  } else {
    const original = await fs.readFile(target.dest);
    assertUnchangedSincePlan(file, original);
    const mode = (await fs.stat(target.dest))?.mode ?? null;
    if (file.status === 'overwrite') {
      backup = await freeBackupName(abs, fs);
      await fs.copyFile(target.dest, backup);
    }
    journal.push({ kind: 'replaced', abs: target.dest, original, mode, backup, inPlace: target.inPlace });
    if (target.inPlace) {
      await writeInPlace(target.dest, file.content ?? '');
      return backup ? path.relative(root, backup).split(path.sep).join('/') : null;
    }
  }
  const dest = target.dest;
  const temp = await writeTemp(dest, file.content ?? '', fs);
  const previous = journal.at(-1);
  if (file.status !== 'create' && previous?.kind === 'replaced' && previous.mode !== null) await fs.chmod(temp, previous.mode & 0o7777);
  if (file.status === 'create') journal.push({ kind: 'created', abs });
  await renameOrDiscard(temp, dest, fs);
  return backup ? path.relative(root, backup).split(path.sep).join('/') : null;
}

async function writeTemp(abs: string, content: string | Buffer, fs: ApplyFs): Promise<string> {
  const temp = path.join(path.dirname(abs), `.${path.basename(abs)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fs.writeFile(temp, content);
  } catch (error) {
    await fs.rm(temp).catch(() => undefined);
    throw error;
  }
  return temp;
}

async function renameOrDiscard(temp: string, abs: string, fs: ApplyFs): Promise<void> {
  try {
    await fs.rename(temp, abs);
  } catch (error) {
    await fs.rm(temp).catch(() => undefined);
    throw error;
  }
}

async function ensureDir(dir: string, fs: ApplyFs, journal: JournalEntry[]): Promise<void> {
  if (await fs.exists(dir)) return;
  await ensureDir(path.dirname(dir), fs, journal);
  await fs.mkdir(dir);
  journal.push({ kind: 'dir', abs: dir });
}

async function freeBackupName(abs: string, fs: ApplyFs): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? `${abs}.bak` : `${abs}.bak.${n}`;
    if (!(await fs.exists(candidate))) return candidate;
  }
}

/** Undoes the journal newest first; keeps going past individual failures so as much as possible is restored. */
async function rollback(journal: JournalEntry[], fs: ApplyFs): Promise<void> {
  for (const entry of [...journal].reverse()) {
    try {
      if (entry.kind === 'created') await fs.rm(entry.abs);
      else if (entry.kind === 'dir') await fs.rmdir(entry.abs);
      else if (entry.inPlace) {
        await writeInPlace(entry.abs, entry.original);
        if (entry.backup) await fs.rm(entry.backup);
      } else {
        const temp = await writeTemp(entry.abs, entry.original, fs);
        if (entry.mode !== null) await fs.chmod(temp, entry.mode & 0o7777);
        await renameOrDiscard(temp, entry.abs, fs);
        if (entry.backup) await fs.rm(entry.backup);
      }
    } catch {
      // Best effort: one failed undo must not stop the others.
    }
  }
}
