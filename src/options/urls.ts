import * as z from 'zod/mini';

/** A PostgreSQL connection URL (--db-url), as libpq and node-postgres take it. */
export const postgresUrl = () =>
  z
    .string()
    .check(z.refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), 'must be a postgres:// or postgresql:// URL'));
