import * as nodeFs from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import { isMigration } from '../plan/plan.js';
import type { Plan, PlannedFile } from '../plan/types.js';
import { WRITES } from '../plan/types.js';
import { nodeAtomicFs, writeFileAtomic, type AtomicWriteFs } from './atomic-write.js';
import { assertUnchangedSincePlan, resolveWriteTarget, writeInPlace, type WriteTarget } from './file-identity.js';
import { JOURNAL_FILE, RunJournal, type UndoFs } from './journal.js';
import { pauseHook } from './pause.js';
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
  exists: (file) =>
    nodeFs.access(file).then(
      () => true,
      () => false,
    ),
};

export interface ApplyResult {
  readonly written: readonly string[];
  /** Backups made before overwriting (relative paths). */
  readonly backups: ReadonlyArray<{ readonly path: string; readonly backup: string }>;
}

/**
 * The only code that writes a plan. Each file is written atomically (writeFileAtomic); a journal
 * (RunJournal, kept in the target until the run commits) records every step before it is taken,
 * so that an error or an abort (SIGINT/SIGTERM/SIGHUP via `signal`, noticed between writes) removes what
 * this run created and restores what it replaced, and a run killed outright is undone by the next.
 */
export async function applyPlan(
  plan: Plan,
  options: { signal?: AbortSignal; fs?: ApplyFs; onJournal?: (journal: RunJournal) => void } = {},
): Promise<ApplyResult> {
  const fs = options.fs ?? realFs;
  const pause = pauseHook();
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
  if (toWrite.length === 0) return { written: [], backups: [] };
  if (options.signal?.aborted) throw new CliError('cancelled', 'interrupted: nothing was written');
  const journal = await RunJournal.begin(plan.root).catch((error: Error) => {
    throw new CliError('io', `could not write the run's journal (${JOURNAL_FILE}): ${error.message}; nothing was written`);
  });
  options.onJournal?.(journal);
  const backups: Array<{ path: string; backup: string }> = [];
  try {
    for (const [index, file] of toWrite.entries()) {
      await pause(`before-${index + 1}`);
      if (options.signal?.aborted) throw new CliError('cancelled', 'interrupted: every change of this run was undone');
      const backup = await writeOne(plan.root, file, targets.get(file.path)!, fs, journal);
      if (backup) backups.push({ path: file.path, backup });
      await pause(`after-${index + 1}`);
    }
    if (options.signal?.aborted) throw new CliError('cancelled', 'interrupted: every change of this run was undone');
  } catch (error) {
    await journal.undo(undoWith(fs), () => pause('undo'));
    if (error instanceof CliError) throw error;
    throw new CliError('io', `could not write: ${(error as Error).message}; every change of this run was undone`);
  }
  await journal.commit();
  await pause('done');
  return { written: toWrite.map((f) => f.path), backups };
}

const undoWith = (fs: ApplyFs): UndoFs => ({
  rm: (file) => fs.rm(file),
  rmdir: (dir) => fs.rmdir(dir),
  restore: (abs, original, mode) => writeFileAtomic(abs, original, { mode, fs }),
});

async function writeOne(root: string, file: PlannedFile, target: WriteTarget, fs: ApplyFs, journal: RunJournal): Promise<string | null> {
  const abs = path.join(root, file.path);
  // The directories the file needs are recorded with the file's own step: one journal write.
  const dirs = (await missingDirs(path.dirname(abs), fs)).map((dir) => ({ kind: 'dir' as const, abs: dir }));
  let backup: string | null = null;
  let mode: number | null = null;
  if (file.status === 'create') {
    if (await fs.exists(abs)) throw new CliError('io', `${file.path} appeared while writing; nothing was overwritten`);
    // Recorded first: if the rename lands and the run stops, the undo removes the file.
    await journal.record(...dirs, { kind: 'created', abs });
    try {
      for (const { abs: dir } of dirs) await fs.mkdir(dir);
    } catch (error) {
      // A directory that appeared meanwhile may hold the file too, which is not this run's to remove.
      await journal.withdrawLast();
      throw error;
    }
  } else {
    const original = await fs.readFile(target.dest);
    assertUnchangedSincePlan(file, original);
    mode = (await fs.stat(target.dest))?.mode ?? null;
    if (file.status === 'overwrite') backup = await freeBackupName(abs, fs);
    await journal.record(...dirs, { kind: 'replaced', abs: target.dest, original, mode, backup, inPlace: target.inPlace });
    for (const { abs: dir } of dirs) await fs.mkdir(dir);
    if (backup) await fs.copyFile(target.dest, backup);
    if (target.inPlace) {
      await writeInPlace(target.dest, file.content ?? '');
      return backup ? path.relative(root, backup).split(path.sep).join('/') : null;
    }
  }
  await writeFileAtomic(target.dest, file.content ?? '', { mode, fs });
  return backup ? path.relative(root, backup).split(path.sep).join('/') : null;
}

/** The directories of `dir`'s path that do not exist yet, outermost first (`dir` last). */
async function missingDirs(dir: string, fs: ApplyFs): Promise<string[]> {
  if (await fs.exists(dir)) return [];
  return [...(await missingDirs(path.dirname(dir), fs)), dir];
}

async function freeBackupName(abs: string, fs: ApplyFs): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? `${abs}.bak` : `${abs}.bak.${n}`;
    if (!(await fs.exists(candidate))) return candidate;
  }
}
