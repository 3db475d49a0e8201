import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';

/** Linux's NAME_MAX and PATH_MAX (less the terminating NUL): beyond them every system call fails. */
export const MAX_NAME_BYTES = 255;
export const MAX_PATH_BYTES = 4095;

/**
 * A path the tool may create: no component over NAME_MAX, the whole under PATH_MAX, and no
 * existing file on the way (a directory cannot be made under a file). `label` names it in the
 * one-line error (the argument as given).
 */
export async function assertUsablePath(abs: string, label: string): Promise<void> {
  if (
    path
      .resolve(abs)
      .split(path.sep)
      .some((part) => Buffer.byteLength(part) > MAX_NAME_BYTES)
  ) {
    throw new CliError('target', `${label}: a path component is longer than ${MAX_NAME_BYTES} bytes`);
  }
  if (Buffer.byteLength(path.resolve(abs)) > MAX_PATH_BYTES) throw new CliError('target', `${label}: longer than ${MAX_PATH_BYTES} bytes`);
  let probe = path.dirname(path.resolve(abs));
  for (;;) {
    const info = await stat(probe).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOTDIR' ? 'notdir' : null));
    if (info !== null && info !== 'notdir') {
      if (info.isDirectory()) return;
      throw new CliError('target', `${label}: ${probe} is a file, not a directory`);
    }
    const parent = path.dirname(probe);
    if (parent === probe) return;
    probe = parent;
  }
}
