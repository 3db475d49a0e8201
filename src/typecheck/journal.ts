/**
 * The compiler's answer for an app, kept in verify's cache directory with everything the
 * compilation read of the filesystem (see fs-observations.ts). The compiler is a function of what
 * it reads: when the same compiler, given the same files to check from the same directory, would
 * find every answer unchanged, its answer is the recorded one, and the app is not compiled again.
 * Any change it could see (a file edited, a package installed, a module now resolving elsewhere)
 * fails a recorded observation, and the app is compiled.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../apply/atomic-write.js';
import type { Compiled } from './compile-in-worker.js';
import { stillHolds } from './fs-observations.js';
import type { CompiledResult } from './types.js';

/** Changes whenever what a journal holds, or how it is read, changes. */
const FORMAT = 2;
/** Journals kept per cache directory (one per app checked); the least recently written go. */
const KEPT = 32;

export interface JournalInputs {
  readonly appDir: string;
  /** Absolute, in the order given. */
  readonly files: readonly string[];
  /** The compiler's entry file. */
  readonly typescript: string;
  /** A digest of the code that ran the compiler (the worker), so a new version never reuses an old answer. */
  readonly checker: string;
  /** The working directory the compiler resolved relative paths against. */
  readonly cwd: string;
}

interface Journal extends Compiled {
  readonly format: number;
  readonly inputs: JournalInputs;
}

const journalDir = (cacheDir: string) => path.join(cacheDir, 'typecheck');

function journalFile(cacheDir: string, inputs: JournalInputs): string {
  const name = createHash('sha256')
    .update(JSON.stringify([inputs.appDir, inputs.files]))
    .digest('hex')
    .slice(0, 24);
  return path.join(journalDir(cacheDir), `${name}.json`);
}

/** The recorded answer when the journal is for these inputs and every observation still holds; else null. */
export async function reusableResult(cacheDir: string, inputs: JournalInputs): Promise<CompiledResult | null> {
  const text = await readFile(journalFile(cacheDir, inputs), 'utf8').catch(() => null);
  if (text === null) return null;
  let journal: Journal;
  try {
    journal = JSON.parse(text) as Journal;
  } catch {
    return null;
  }
  if (journal.format !== FORMAT || JSON.stringify(journal.inputs) !== JSON.stringify(inputs)) return null;
  return (await stillHolds(journal.observations, journal.recordedAt)) ? journal.result : null;
}

/** Records an answer and what it was read from; a cache directory that cannot be written only costs speed. */
export async function saveResult(cacheDir: string, inputs: JournalInputs, compiled: Compiled): Promise<void> {
  const journal: Journal = { format: FORMAT, inputs, ...compiled };
  const file = journalFile(cacheDir, inputs);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, JSON.stringify(journal));
    await pruneJournals(journalDir(cacheDir));
  } catch {
    // Not kept: the next run compiles.
  }
}

async function pruneJournals(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  if (names.length <= KEPT) return;
  const dated = await Promise.all(
    names.map(async (name) => ({ name, mtime: (await stat(path.join(dir, name)).catch(() => null))?.mtimeMs ?? 0 })),
  );
  dated.sort((a, b) => b.mtime - a.mtime);
  await Promise.all(dated.slice(KEPT).map(({ name }) => rm(path.join(dir, name), { force: true })));
}
