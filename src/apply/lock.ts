import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../errors.js';

/** How long a second run waits for the first before giving up. */
export const LOCK_WAIT_MS = 3000;
const POLL_MS = 100;

/**
 * Runs `work` holding the target's lock, so that two generators never interleave their reads
 * and writes on one repo. The lock is a file created exclusively (O_EXCL) holding the owner's
 * pid; a lock whose pid is no longer running is stale and taken over. A run that cannot get the
 * lock within `waitMs` fails with a message naming the other run and the lock file.
 */
export async function withTargetLock<T>(root: string, work: () => Promise<T>, waitMs = LOCK_WAIT_MS): Promise<T> {
  const lock = lockPathFor(root);
  await acquire(lock, path.resolve(root), waitMs);
  try {
    return await work();
  } finally {
    await release(lock);
  }
}

async function acquire(lock: string, shown: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await writeFile(lock, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CliError('target', `cannot create the lock ${lock}: ${(error as Error).message}`);
      }
    }
    const holder = await holderOf(lock);
    if (holder !== null && !isRunning(holder)) {
      // Stale: its owner died without releasing it. Remove it only if it still names that pid.
      if ((await holderOf(lock)) === holder) await unlink(lock).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder === null ? 'another create-saas-db run' : `another create-saas-db run (pid ${holder})`;
      throw new CliError('target', `${who} is working on ${shown}: wait for it to end and run again (lock: ${lock})`);
    }
    await sleep(POLL_MS);
  }
}

async function release(lock: string): Promise<void> {
  if ((await holderOf(lock)) === process.pid) await unlink(lock).catch(() => undefined);
}

/** The pid in a lock file; null while it is being written or when unreadable. */
async function holderOf(lock: string): Promise<number | null> {
  const text = await readFile(lock, 'utf8').catch(() => null);
  const pid = text === null ? NaN : Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The lock file of a target: in the system's temp directory (nothing is added to the user's
 * repo, and a target that does not exist yet can be locked), named by a hash of the target's real
 * location so that every path reaching the same directory shares one lock.
 */
export function lockPathFor(root: string): string {
  const key = createHash('sha256').update(realLocation(root)).digest('hex').slice(0, 32);
  return path.join(tmpdir(), `create-saas-db-${key}.lock`);
}

function realLocation(p: string): string {
  let probe = path.resolve(p);
  for (;;) {
    try {
      return path.join(realpathSync(probe), path.relative(probe, path.resolve(p)));
    } catch {
      const parent = path.dirname(probe);
      if (parent === probe) return path.resolve(p);
      probe = parent;
    }
  }
}
