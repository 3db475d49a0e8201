import { lstat, open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import type { PlannedFile } from '../plan/types.js';
import { isWithin } from './safe-path.js';

/**
 * Where a planned write really lands, and how it must be made so that the user's file keeps what
 * makes it theirs:
 * - a symlink is never replaced: the write goes to the file it points to (which must be inside
 *   the target; a link to a missing file is refused);
 * - a file with other hard links, or owned by another user or group, is rewritten in place
 *   (after the backup), which keeps its inode, links, owner and mode; any other file is replaced
 *   atomically (temp file + rename) and gets the old mode back;
 * - a file inside supabase/migrations (whatever path reaches it) that exists is never modified.
 */
export interface WriteTarget {
  /** Absolute path of the file actually written. */
  readonly dest: string;
  /** Rewrite the existing inode instead of renaming a new file over it. */
  readonly inPlace: boolean;
}

export async function resolveWriteTarget(root: string, file: PlannedFile): Promise<WriteTarget> {
  const abs = path.join(root, file.path);
  const link = await lstat(abs).catch(() => null);
  let dest = abs;
  if (link?.isSymbolicLink()) {
    const real = await realpath(abs).catch(() => null);
    if (real === null) throw new CliError('target', `${file.path} is a symlink to a missing file: refusing to replace it`);
    if (!isWithin(await realpath(root), real)) {
      throw new CliError('target', `${file.path} resolves outside the target directory (a symlink?): refusing to write there`);
    }
    dest = real;
  }
  const info = await stat(dest).catch(() => null);
  if (info !== null && !info.isFile()) throw new CliError('target', `${file.path} exists and is not a regular file: refusing to write it`);
  await refuseExistingMigration(root, file.path, dest, info !== null);
  const foreignOwner = info !== null && ((process.geteuid?.() ?? info.uid) !== info.uid || (process.getegid?.() ?? info.gid) !== info.gid);
  return { dest, inPlace: info !== null && (info.nlink > 1 || foreignOwner) };
}

async function refuseExistingMigration(root: string, relative: string, dest: string, exists: boolean): Promise<void> {
  if (!exists) return;
  const migrations = await realpath(path.join(root, 'supabase', 'migrations')).catch(() => null);
  const realDest = await realpath(dest).catch(() => dest);
  if (migrations === null || !isWithin(migrations, realDest)) return;
  const shown = `supabase/migrations/${path.relative(migrations, realDest).split(path.sep).join('/')}`;
  if (shown === relative) return; // the plan's own rule already refuses it by name
  throw new CliError('target', `${relative} is the existing migration ${shown} (through a symlink): refusing to modify it`);
}

/**
 * The file on disk must still be the one the plan was made from: another program may have
 * changed it while a prompt was waiting. A change is a conflict, never overwritten.
 */
export function assertUnchangedSincePlan(file: PlannedFile, current: Buffer | null): void {
  const now = current === null ? null : current.toString('utf8');
  if (now !== file.previous) {
    throw new CliError('conflict', `${file.path} changed since the plan was made (by another program?): nothing was written; run again`);
  }
}

/** Rewrites an existing file's content on its own inode (keeps hard links, owner and mode). */
export async function writeInPlace(dest: string, content: string | Buffer): Promise<void> {
  const handle = await open(dest, 'r+');
  try {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await handle.write(data, 0, data.length, 0);
    await handle.truncate(data.length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
