import path from 'node:path';
import { Command } from 'commander';
import { parseCommandLine } from './parse-command-line.js';
import { z } from 'zod';
import { assertInsideRoot } from '../apply/safe-path.js';
import { detectProject } from '../detect/index.js';
import { CliError, isCliError } from '../errors.js';
import { describeOptionsError } from '../options/schema.js';
import { introspectMigrations } from '../types-gen/from-migrations.js';
import { shortLineDiff } from '../types-gen/line-diff.js';
import type { DatabaseModel } from '../types-gen/model.js';
import { introspectDatabaseUrl, parseSchemaList, typeSchemas } from '../types-gen/schemas.js';
import { typesOutputPath } from '../types-gen/output-path.js';
import { readRepoMigrations } from '../types-gen/read-migrations.js';
import { renderDatabaseTypes } from '../types-gen/render.js';
import { readTextIfExists, writeFileAtomic } from '../types-gen/write-file.js';

/** 0 written or up to date · 1 drift (--check), a migration failed, or the write failed · 2 bad input. */
export const TYPES_EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export interface TypesCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

const processIo: TypesCliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  cwd: process.cwd(),
};

const optionsSchema = z.object({
  dir: z.string().min(1),
  out: z.string().min(1).optional(),
  check: z.boolean().default(false),
  literalUnions: z.boolean().default(true),
  webDir: z.string().min(1).optional(),
  schema: z.string().min(1).optional(),
  dbUrl: z.string().min(1).optional(),
});

type TypesOptions = z.infer<typeof optionsSchema>;

/**
 * `create-saas-db types [dir] [--out <file>] [--check] [--no-literal-unions] [--web-dir <dir>]`:
 * applies the repo's migrations on the embedded engine and writes (or checks) the `Database`
 * types file. `argv` is what follows `types`. Returns the exit code.
 */
export async function runTypesCli(argv: string[], io: TypesCliIo = processIo): Promise<number> {
  let raw: Record<string, unknown> | null;
  try {
    raw = parseArgs(argv, io);
  } catch (error) {
    io.stderr(`create-saas-db types: ${(error as Error).message}\n`);
    return TYPES_EXIT.usage;
  }
  if (raw === null) return TYPES_EXIT.ok;
  const parsed = optionsSchema.safeParse(raw);
  if (!parsed.success) {
    io.stderr(`create-saas-db types: ${describeOptionsError(parsed.error)}\n`);
    return TYPES_EXIT.usage;
  }

  try {
    return await runTypes(parsed.data, io);
  } catch (error) {
    if (isCliError(error)) {
      io.stderr(`create-saas-db types: ${error.message}\n${error.details.map((d) => `  ${d}\n`).join('')}`);
      return error.code === 'io' ? TYPES_EXIT.failure : TYPES_EXIT.usage;
    }
    io.stderr(`create-saas-db types: ${(error as Error)?.message ?? String(error)}\n`);
    return TYPES_EXIT.failure;
  }
}

async function runTypes(options: TypesOptions, io: TypesCliIo): Promise<number> {
  const root = path.resolve(io.cwd, options.dir);
  const facts = await detectProject(root, { webDir: options.webDir });
  if (!facts.exists) throw new CliError('target', `${options.dir} does not exist`);

  const migrations = await readRepoMigrations(facts);
  const schemas = await typeSchemas(facts.root, options.schema ? parseSchemaList(options.schema) : undefined);
  const model = options.dbUrl
    ? await introspectDatabaseUrl(options.dbUrl, schemas)
    : await introspectMigrations(migrations, schemas);
  const content = renderDatabaseTypes(model, { literalUnions: options.literalUnions });

  const target = options.out ? path.resolve(io.cwd, options.out) : path.join(facts.root, typesOutputPath(facts));
  const shown = path.relative(io.cwd, target) || target;
  const onDisk = await readTextIfExists(target);

  if (options.check) {
    if (onDisk === content) {
      io.stdout(`${shown} is up to date with ${migrations.length} migration${plural(migrations.length)}\n`);
      return TYPES_EXIT.ok;
    }
    io.stderr(
      onDisk === null
        ? `${shown} is missing: run create-saas-db types\n`
        : `${shown} differs from the types the migrations produce (- on disk, + expected):\n` +
            `${shortLineDiff(content, onDisk).join('\n')}\nRun create-saas-db types to update it.\n`,
    );
    return TYPES_EXIT.failure;
  }

  if (onDisk === content) {
    io.stdout(`${shown} unchanged (${summary(model)})\n`);
    return TYPES_EXIT.ok;
  }
  if (!options.out) await assertInsideRoot(facts.root, path.relative(facts.root, target));
  try {
    await writeFileAtomic(target, content);
  } catch (error) {
    throw new CliError('io', `could not write ${shown}: ${(error as Error).message}`);
  }
  io.stdout(`wrote ${shown} (${summary(model)})\n`);
  return TYPES_EXIT.ok;
}

function summary(model: DatabaseModel): string {
  const count = (of: (schema: DatabaseModel['schemas'][number]) => readonly unknown[]) =>
    model.schemas.reduce((total, schema) => total + of(schema).length, 0);
  const counts: [number, string][] = [
    [count((s) => s.tables), 'table'],
    [count((s) => s.views), 'view'],
    [count((s) => s.functions), 'function'],
    [count((s) => s.enums), 'enum'],
    [count((s) => s.compositeTypes), 'composite type'],
  ];
  return counts.map(([n, noun]) => `${n} ${noun}${plural(n)}`).join(', ');
}

const plural = (n: number): string => (n === 1 ? '' : 's');

/** Commander reads the flags; zod validates them. Null means help was printed. */
function parseArgs(argv: string[], io: TypesCliIo): Record<string, unknown> | null {
  const program = new Command('create-saas-db types')
    .description("Write the Database types for the repo's Supabase migrations, applied on an embedded engine (no Docker).")
    .argument('[dir]', 'target repo', '.')
    .option('--out <file>', 'write here instead of packages/types/src/database.ts or <web>/lib/supabase/database.types.ts')
    .option('--check', 'write nothing; exit 1 with a diff when the file differs from what the migrations produce')
    .option('--no-literal-unions', "keep CHECK (col IN (…)) text columns as string, exactly like supabase gen types")
    .option('--schema <list>', 'schemas to type, comma-separated (default: public and supabase/config.toml [api] schemas)')
    .option('--db-url <url>', 'read the schema from this PostgreSQL database instead of applying the migrations')
    .option('--web-dir <dir>', 'Next.js app directory inside the target (default: detected)')
    .helpOption('-h, --help')
    .addHelpText('after', '\nExit codes: 0 written or up to date · 1 drift, failed migration or write · 2 bad input')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: () => undefined });
  if (!parseCommandLine(program, argv)) return null;
  if (program.args.length > 1) throw new Error(`expected one directory, got ${program.args.length} (see --help)`);
  return { ...program.opts<Record<string, unknown>>(), dir: program.args[0] ?? '.' };
}
