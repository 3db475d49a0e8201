import * as nodeFs from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import { isMigration } from '../plan/plan.js';
import type { Plan, PlannedFile } from '../plan/types.js';
import { WRITES } from '../plan/types.js';
import { nodeAtomicFs, writeFileAtomic, type AtomicWriteFs } from './atomic-write.js';
import { assertUnchangedSincePlan, resolveWriteTarget, writeInPlace, type WriteTarget } from './file-identity.js';
import { assertInsideRoot, assertWritable } from './safe-path.js';

/** The filesystem calls apply makes; tests swap one to inject a failure mid-run. */
export interface ApplyFs extends AtomicWriteFs {
  mkdir(dir: string): Promise<unknown>;
  copyFile(from: string, to: string): Promise<void>;
  readFile(file: string): Promise<Buffer>;
  rmdir(dir: string): Promise<void>;
  stat(file: string): Promise<{ mode: number } | null>;
  exists(file: string): Promise<boolean>;
}

export const realFs: ApplyFs = {
  ...nodeAtomicFs,
  mkdir: (dir) => nodeFs.mkdir(dir),
  copyFile: (from, to) => nodeFs.copyFile(from, to, nodeFs.constants.COPYFILE_EXCL),
  readFile: (file) => nodeFs.readFile(file),
  rmdir: (dir) => nodeFs.rmdir(dir),
  stat: (file) => nodeFs.stat(file).catch(() => null),
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
 * The only code that writes a plan. Each file is written atomically (writeFileAtomic); a journal records every step so that an error or an abort (SIGINT/SIGTERM via
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
  let mode: number | null = null;
  if (file.status === 'create') {
    if (await fs.exists(abs)) throw new CliError('io', `${file.path} appeared while writing; nothing was overwritten`);
    // Recorded first: if the rename lands and a later step fails, the rollback removes the file.
    journal.push({ kind: 'created', abs });
  } else {
    const original = await fs.readFile(target.dest);
    assertUnchangedSincePlan(file, original);
    mode = (await fs.stat(target.dest))?.mode ?? null;
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
  await writeFileAtomic(target.dest, file.content ?? '', { mode, fs });
  return backup ? path.relative(root, backup).split(path.sep).join('/') : null;
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
        await writeFileAtomic(entry.abs, entry.original, { mode: entry.mode, fs });
        if (entry.backup) await fs.rm(entry.backup);
      }
    } catch {
      // Best effort: one failed undo must not stop the others.
    }
  }
}
