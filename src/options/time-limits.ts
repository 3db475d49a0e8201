import * as z from 'zod/mini';
import { field } from './spec.js';

/** Seconds, as a flag gives them (`2`, `0.5`): above 0, at most a day. */
const seconds = z.pipe(
  z.union([z.string(), z.number()]),
  z.pipe(
    z.transform((value: string | number) => Number(value)),
    z.number().check(z.refine((n) => Number.isFinite(n) && n > 0 && n <= 86_400, 'must be a number of seconds, above 0 and at most 86400')),
  ),
);

/**
 * `--statement-timeout <seconds>`, one flag for every command that runs the repo's SQL (verify,
 * types, the generator's types step), on either engine; default 30 (DEFAULT_STATEMENT_TIMEOUT_MS).
 */
export const statementTimeoutField = () =>
  field(
    '--statement-timeout <seconds>',
    'time limit of each SQL statement; past it the statement is stopped and reported',
    z._default(seconds, 30),
    '30',
  );
