import * as z from 'zod/mini';
import { dirInsideTarget, fileFromCwd, repoDir } from './paths.js';
import { postgresUrl } from './urls.js';
import { statementTimeoutField } from './time-limits.js';
import { defineCommand, field, flag, type OptionsOf } from './spec.js';

/** `create-saas-db types [dir] [options]`. */
export const typesCommand = defineCommand({
  name: 'create-saas-db types',
  description: "Write the Database types for the repo's Supabase migrations, applied on an embedded engine (no Docker).",
  arguments: {
    dir: field('[dir]', 'target repo', repoDir(), '.'),
  },
  options: {
    out: field(
      '--out <file>',
      'write here instead of packages/types/src/database.ts or <web>/lib/supabase/database.types.ts',
      z.optional(fileFromCwd()),
    ),
    check: field('--check', 'write nothing; exit 1 with a diff when the file differs from what the migrations produce', flag(false)),
    literalUnions: field(
      '--no-literal-unions',
      'keep CHECK (col IN (…)) text columns as string, exactly like supabase gen types',
      flag(true),
    ),
    schema: field(
      '--schema <list>',
      'schemas to type, comma-separated (default: public and supabase/config.toml [api] schemas)',
      z.optional(z.string().check(z.minLength(1, 'must not be empty'))),
    ),
    dbUrl: field(
      '--db-url <url>',
      'read the schema from this PostgreSQL database instead of applying the migrations',
      z.optional(postgresUrl()),
    ),
    statementTimeout: statementTimeoutField(),
    webDir: field('--web-dir <dir>', 'Next.js app directory inside the target (default: detected)', z.optional(dirInsideTarget())),
  },
  helpAfter: '\nExit codes: 0 written or up to date · 1 drift, failed migration or write · 2 bad input · 130 interrupted',
});

export type TypesOptions = OptionsOf<typeof typesCommand>;
