import { access, constants, realpath } from 'node:fs/promises';
import path from 'node:path';
import { assertUsablePath } from '../detect/path-limits.js';
import { CliError } from '../errors.js';

/**
 * Refuses a write whose real location (symlinks resolved on the nearest existing ancestor) is
 * outside the target root.
 */
export async function assertInsideRoot(root: string, relative: string): Promise<void> {
  const target = path.resolve(root, relative);
  if (!isWithin(path.resolve(root), target)) throw escape(relative);
  if (!isWithin(await realLocation(root), await realLocation(target))) throw escape(relative);
}

/** Where a path really is: symlinks resolved on its nearest existing ancestor, the rest appended. */
export async function realLocation(p: string): Promise<string> {
  let probe = path.resolve(p);
  for (;;) {
    const real = await realpath(probe).catch(() => null);
    if (real !== null) return path.join(real, path.relative(probe, p));
    const parent = path.dirname(probe);
    if (parent === probe) return p;
    probe = parent;
  }
}

export function isWithin(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const escape = (relative: string) =>
  new CliError('target', `${relative} resolves outside the target directory (a symlink?): refusing to write there`);

/** The nearest existing directory on the way to `relative` must be writable (checked before any write). */
export async function assertWritable(root: string, relative: string): Promise<void> {
  await assertUsablePath(path.resolve(root, relative), relative);
  let dir = path.dirname(path.resolve(root, relative));
  while (
    (await access(dir).then(
      () => false,
      () => true,
    )) &&
    path.dirname(dir) !== dir
  )
    dir = path.dirname(dir);
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new CliError('target', `${dir} is not writable: fix its permissions or choose another target`);
  }
}
