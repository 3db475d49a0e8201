import * as nodeFs from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import { nodeAtomicFs, writeFileAtomic } from './atomic-write.js';
import { writeInPlace } from './file-identity.js';
import { isWithin, realLocation } from './safe-path.js';

/** Where a run keeps its journal, relative to the target root. */
export const JOURNAL_DIR = '.scaffolding';
export const JOURNAL_FILE = `${JOURNAL_DIR}/journal.json`;
const COPIES_DIR = `${JOURNAL_DIR}/journal-previous`;
/** Previous contents up to this size live in the journal itself; larger ones in a copy beside it. */
const INLINE_LIMIT = 64 * 1024;

/** One step of a run, recorded before it is taken: what undoing it means. Paths are absolute. */
export type JournalStep =
  | { readonly kind: 'dir'; readonly abs: string }
  | { readonly kind: 'created'; readonly abs: string }
  | {
      readonly kind: 'replaced';
      readonly abs: string;
      readonly original: Buffer;
      readonly mode: number | null;
      /** The .bak copy this step makes (removed on undo). */
      readonly backup: string | null;
      readonly inPlace: boolean;
    };

type StoredStep =
  | { kind: 'dir' | 'created'; abs: string }
  | {
      kind: 'replaced';
      abs: string;
      mode: number | null;
      backup: string | null;
      inPlace: boolean;
      original: { base64: string } | { copy: string };
    };

interface StoredJournal {
  version: 1;
  pid: number;
  startedAt: string;
  /** This run created the journal directory: it goes when the journal goes. */
  createdDir: boolean;
  steps: StoredStep[];
}

/** Undo helpers the rollback may be given (the file writes of a test's failing filesystem). */
export interface UndoFs {
  rm(file: string): Promise<void>;
  rmdir(dir: string): Promise<void>;
  restore(abs: string, original: Buffer, mode: number | null): Promise<void>;
}

const nodeUndoFs: UndoFs = {
  rm: (file) => nodeFs.rm(file, { force: true }),
  rmdir: (dir) => nodeFs.rmdir(dir),
  restore: (abs, original, mode) => writeFileAtomic(abs, original, { mode }),
};

/**
 * The journal of one run, kept in memory and on disk (`.scaffolding/journal.json`, written
 * atomically) so that a run killed outright (SIGKILL, a CI timeout, the OOM killer) can be undone
 * by the next one: each step is recorded before it is taken, undoing removes what the run created
 * and restores what it replaced, newest first, and the journal is removed when the run commits.
 */
export class RunJournal {
  private readonly steps: JournalStep[] = [];
  private readonly stored: StoredStep[] = [];
  private copies = 0;
  /** Set once undoing has begun. */
  undoing = false;

  private constructor(
    readonly root: string,
    private readonly pid: number,
    private readonly startedAt: string,
    private readonly createdDir: boolean,
  ) {}

  /** Starts the journal of this run: written before the run's first write. */
  static async begin(root: string): Promise<RunJournal> {
    const dir = path.join(root, JOURNAL_DIR);
    const createdDir = !(await exists(dir));
    if (createdDir) await nodeFs.mkdir(dir, { recursive: true });
    const journal = new RunJournal(root, process.pid, new Date().toISOString(), createdDir);
    await journal.save();
    return journal;
  }

  /** Records `steps` durably, in one write; the caller takes them, in order, only after this resolves. */
  async record(...steps: JournalStep[]): Promise<void> {
    for (const step of steps) {
      this.steps.push(step);
      this.stored.push(await this.toStored(step));
    }
    await this.save();
  }

  /** Takes back the last recorded step, which was not taken after all: undoing it would undo what is not this run's. */
  async withdrawLast(): Promise<void> {
    this.steps.pop();
    this.stored.pop();
    await this.save();
  }

  /** Files and directories this run has touched and not yet restored, for a message. */
  pending(): string[] {
    return this.steps.map((step) => path.relative(this.root, step.abs).split(path.sep).join('/'));
  }

  /**
   * Undoes every step, newest first, keeping the journal on disk in step with what is left (an
   * exit half-way leaves the rest to the next run). Goes on past a failed undo; removes the
   * journal at the end. `beforeUndo` is a test hook.
   */
  async undo(fs: UndoFs = nodeUndoFs, beforeUndo: () => Promise<void> = async () => undefined): Promise<void> {
    this.undoing = true;
    await beforeUndo();
    while (this.steps.length > 0) {
      const step = this.steps[this.steps.length - 1]!;
      await undoStep(step, fs).catch(() => undefined);
      await removeTempFiles(step.abs, this.pid);
      this.steps.pop();
      this.stored.pop();
      await this.save().catch(() => undefined);
    }
    await this.remove();
  }

  /** The run is complete: nothing left to undo. */
  async commit(): Promise<void> {
    await this.remove();
  }

  private async remove(): Promise<void> {
    const dir = path.join(this.root, JOURNAL_DIR);
    await nodeFs.rm(path.join(this.root, JOURNAL_FILE), { force: true });
    // Durably gone before the run reports: a journal that came back after a crash would have the
    // next run undo this one.
    await nodeAtomicFs.syncDir(dir);
    await nodeFs.rm(path.join(this.root, COPIES_DIR), { recursive: true, force: true });
    await removeTempFiles(path.join(this.root, JOURNAL_FILE), this.pid);
    if (this.createdDir) await nodeFs.rmdir(dir).catch(() => undefined);
  }

  private async save(): Promise<void> {
    const doc: StoredJournal = { version: 1, pid: this.pid, startedAt: this.startedAt, createdDir: this.createdDir, steps: this.stored };
    await writeFileAtomic(path.join(this.root, JOURNAL_FILE), `${JSON.stringify(doc)}\n`);
  }

  private async toStored(step: JournalStep): Promise<StoredStep> {
    if (step.kind !== 'replaced') return { kind: step.kind, abs: step.abs };
    const { abs, mode, backup, inPlace } = step;
    if (step.original.length <= INLINE_LIMIT)
      return { kind: 'replaced', abs, mode, backup, inPlace, original: { base64: step.original.toString('base64') } };
    const copy = `${COPIES_DIR}/${++this.copies}`;
    await nodeFs.mkdir(path.join(this.root, COPIES_DIR), { recursive: true });
    await writeFileAtomic(path.join(this.root, copy), step.original);
    return { kind: 'replaced', abs, mode, backup, inPlace, original: { copy } };
  }

  /** Rebuilds the journal a dead run left (null when there is none). */
  static async load(root: string): Promise<{ journal: RunJournal; startedAt: string; pid: number } | null> {
    const text = await nodeFs.readFile(path.join(root, JOURNAL_FILE), 'utf8').catch(() => null);
    if (text === null) return null;
    let doc: StoredJournal;
    try {
      doc = JSON.parse(text) as StoredJournal;
      if (doc.version !== 1 || !Array.isArray(doc.steps)) throw new Error('unknown format');
    } catch (error) {
      throw new CliError(
        'target',
        `${JOURNAL_FILE} (left by an interrupted run) is unreadable (${(error as Error).message}): restore the files it names by hand, then delete it`,
      );
    }
    const journal = new RunJournal(root, doc.pid, doc.startedAt, doc.createdDir);
    const realRoot = await realLocation(root);
    for (const stored of doc.steps) {
      if (!isWithin(realRoot, await realLocation(stored.abs))) {
        throw new CliError('target', `${JOURNAL_FILE} names ${stored.abs}, outside the target: refusing to undo it; delete the journal`);
      }
      journal.stored.push(stored);
      if (stored.kind !== 'replaced') journal.steps.push({ kind: stored.kind, abs: stored.abs });
      else {
        const original =
          'base64' in stored.original
            ? Buffer.from(stored.original.base64, 'base64')
            : await nodeFs.readFile(path.join(root, stored.original.copy));
        journal.steps.push({
          kind: 'replaced',
          abs: stored.abs,
          original,
          mode: stored.mode,
          backup: stored.backup,
          inPlace: stored.inPlace,
        });
      }
    }
    return { journal, startedAt: doc.startedAt, pid: doc.pid };
  }
}

async function undoStep(step: JournalStep, fs: UndoFs): Promise<void> {
  if (step.kind === 'created') await fs.rm(step.abs);
  else if (step.kind === 'dir')
    await fs.rmdir(step.abs).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  else {
    // The step may have been recorded and never taken: the file still holds what it held.
    if (step.inPlace) await writeInPlace(step.abs, step.original);
    else await fs.restore(step.abs, step.original, step.mode);
    if (step.backup) await fs.rm(step.backup);
  }
}

/** Temp files an atomic write of `file` by process `pid` may have left (see writeFileAtomic). */
async function removeTempFiles(file: string, pid: number): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.${pid}.`;
  const names = await nodeFs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) await nodeFs.rm(path.join(dir, name), { force: true });
  }
}

async function exists(p: string): Promise<boolean> {
  return nodeFs.access(p).then(
    () => true,
    () => false,
  );
}

/** What recovering a dead run's journal did, for the one line the command prints. */
export interface Recovery {
  readonly startedAt: string;
  readonly pid: number;
  readonly undone: number;
}

/**
 * Undoes the run a journal in `root` belongs to. Call it holding the target's lock: then the run
 * that wrote the journal is not alive (every writer takes the lock), and its changes are half a run.
 */
export async function recoverInterruptedRun(root: string): Promise<Recovery | null> {
  const found = await RunJournal.load(root);
  if (found === null) return null;
  const undone = found.journal.pending().length;
  await found.journal.undo();
  return { startedAt: found.startedAt, pid: found.pid, undone };
}

/** Whether a dead run's journal is waiting in `root` (for --dry-run, which writes nothing). */
export function hasInterruptedRun(root: string): Promise<boolean> {
  return exists(path.join(root, JOURNAL_FILE));
}
