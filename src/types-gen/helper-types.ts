import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CliError } from '../errors.js';
import { packageRoot } from '../package-root.js';

/**
 * The helper types that follow `Database` in `supabase gen types typescript` output (`Tables`,
 * `TablesInsert`, `TablesUpdate`, `Enums`, `CompositeTypes`), a TypeScript file of their own
 * shipped with the package. It imports `Database` so that it typechecks by itself; the generated
 * file defines `Database` above them, so only what follows that import is copied.
 */
export const HELPER_TYPES_FILE = path.join(packageRoot, 'resources', 'types-gen', 'helper-types.ts');

const DATABASE_IMPORT = 'import type { Database } from "./database.types"\n\n';
const DEFAULT_SCHEMA = 'Extract<keyof Database, "public">';

let helperTypes: string | undefined;

/** The helper types, with `DefaultSchema` naming `defaultSchema`. */
export function helperTypesSource(defaultSchema: string): string {
  helperTypes ??= readHelperTypes();
  return helperTypes.replace(DEFAULT_SCHEMA, () => `Extract<keyof Database, ${JSON.stringify(defaultSchema)}>`);
}

function readHelperTypes(): string {
  let source: string;
  try {
    source = readFileSync(HELPER_TYPES_FILE, 'utf8');
  } catch (error) {
    throw new CliError('template', `${HELPER_TYPES_FILE} cannot be read: ${(error as Error).message}`);
  }
  const start = source.indexOf(DATABASE_IMPORT);
  const body = start === -1 ? '' : source.slice(start + DATABASE_IMPORT.length);
  if (body.split(DEFAULT_SCHEMA).length !== 2) {
    throw new CliError(
      'template',
      `${HELPER_TYPES_FILE} must hold \`${DATABASE_IMPORT.trim()}\` followed by the types, with \`${DEFAULT_SCHEMA}\` once`,
    );
  }
  return body;
}
