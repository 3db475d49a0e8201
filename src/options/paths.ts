import path from 'node:path';
import * as z from 'zod/mini';
import { normaliseRelative } from '../detect/web-app.js';
import { text, type ShownValueParams } from './spec.js';

/**
 * The one place path options are validated and resolved. A directory inside the target
 * (--web-dir, --backend-dir): relative, not climbing out of it; normalised to posix without `./`
 * or a trailing `/` (`.` becomes '', the target itself).
 */
export const dirInsideTarget = () =>
  z.pipe(
    text().check(
      z.superRefine((value, ctx) => {
        const normal = normaliseRelative(value);
        if (path.isAbsolute(value) || normal === '..' || normal.startsWith('../')) {
          const params: ShownValueParams = { shownValue: value };
          ctx.addIssue({ code: 'custom', message: 'must be a path inside the target directory', params });
        }
      }),
    ),
    z.transform((value: string) => normaliseRelative(value)),
  );

/** The repo a command works on (`[dir]`), relative to the working directory. */
export const repoDir = () => z._default(z.string().check(z.minLength(1, 'the directory must not be empty')), '.');

/** A file named on the command line (--out, --config, --junit): anywhere, relative to the working directory. */
export const fileFromCwd = text;
