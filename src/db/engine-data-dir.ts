/**
 * A temporary directory that holds an embedded engine's data directory on disk (PGlite's NODEFS)
 * instead of in the worker's memory. Removed when its engine's thread has ended, however it ended
 * (closed, past the time limit, crashed), and otherwise when the process exits: a run stopped by
 * SIGINT, SIGTERM or SIGHUP ends by process.exit, which runs the exit listeners.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Past this much SQL to run, an embedded engine keeps its data directory on disk. In memory the
 * data of a large migration's tables stays in the process (a repo with a 20 MiB migration peaked
 * about 70 MiB higher); on disk, a small repo's run takes longer.
 */
export const DATA_ON_DISK_CHARS = 4 << 20;

/** Whether an engine running these scripts keeps its data on disk. */
export const keepsDataOnDisk = (scripts: readonly { readonly sql: string }[]): boolean =>
  scripts.reduce((chars, script) => chars + script.sql.length, 0) > DATA_ON_DISK_CHARS;

/** How the directories are named in the system's temporary directory. */
export const ENGINE_DATA_DIR_PREFIX = 'create-saas-db-engine-';

export interface TemporaryDataDir {
  readonly path: string;
  /** Idempotent; never throws. */
  remove(): void;
}

const live = new Set<string>();
let exitHooked = false;

export function temporaryDataDir(): TemporaryDataDir {
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', () => {
      for (const dir of live) removeQuietly(dir);
    });
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), ENGINE_DATA_DIR_PREFIX));
  live.add(dir);
  return {
    path: dir,
    remove() {
      if (live.delete(dir)) removeQuietly(dir);
    },
  };
}

function removeQuietly(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // Left in the temporary directory, which the system cleans.
  }
}
