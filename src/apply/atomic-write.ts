import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import path from 'node:path';

/**
 * The filesystem calls an atomic write makes; callers that journal their writes (apply) or
 * inject failures (its tests) pass their own. Only Node built-ins here: every writer can use it.
 */
export interface AtomicWriteFs {
  /** Creates `file` exclusively, writes `data` and flushes it to the disk. */
  writeFile(file: string, data: string | Uint8Array): Promise<void>;
  chmod(file: string, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(file: string): Promise<void>;
  /** Flushes a directory's entries (a rename) to the disk, where the platform allows it. */
  syncDir(dir: string): Promise<void>;
}

export const nodeAtomicFs: AtomicWriteFs = {
  async writeFile(file, data) {
    const handle = await nodeFs.open(file, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  chmod: (file, mode) => nodeFs.chmod(file, mode),
  rename: (from, to) => nodeFs.rename(from, to),
  rm: (file) => nodeFs.rm(file, { force: true }),
  async syncDir(dir) {
    // Windows cannot open a directory for fsync, and some filesystems refuse it: the rename has
    // happened either way, so this is best effort.
    const handle = await nodeFs.open(dir, 'r').catch(() => null);
    if (!handle) return;
    try {
      await handle.sync().catch(() => undefined);
    } finally {
      await handle.close();
    }
  },
};

export interface AtomicWriteOptions {
  /** Permission bits for the file (e.g. the mode of the file it replaces). */
  readonly mode?: number | null | undefined;
  readonly fs?: AtomicWriteFs | undefined;
}

/**
 * Writes `file` so that readers see the old content or the new, never half of it, and the new
 * content survives a crash once this resolves: a temp file in the same directory, fsync, rename,
 * fsync of the directory. The directory must exist. On failure the temp file is removed.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const fs = options.fs ?? nodeAtomicFs;
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.writeFile(temp, data);
    if (options.mode !== undefined && options.mode !== null) await fs.chmod(temp, options.mode & 0o7777);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp).catch(() => undefined);
    throw error;
  }
  await fs.syncDir(dir);
}
