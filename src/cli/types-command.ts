import path from 'node:path';
import { applyPlan } from '../apply/apply.js';
import { isMigrationError } from '../db/apply-migrations.js';
import { prestartEmbeddedEngine } from '../db/engine.js';
import type { ProjectFacts } from '../detect/facts.js';
import { readText } from '../detect/fs-probe.js';
import { detectProject } from '../detect/index.js';
import { CliError } from '../errors.js';
import { typesCommand, type TypesOptions } from '../options/types.js';
import { phaseLayout } from '../phase-04/layout.js';
import { typesFilePlan, type TypesFileTarget } from '../plan/types-file.js';
import type { Plan } from '../plan/types.js';
import { unifiedDiff } from '../report/unified-diff.js';
import { introspectMigrations } from '../types-gen/from-migrations.js';
import type { DatabaseModel } from '../types-gen/model.js';
import { introspectDatabaseUrl, parseSchemaList, typeSchemas } from '../types-gen/schemas.js';
import { readRepoMigrations } from '../types-gen/read-migrations.js';
import { renderDatabaseTypes } from '../types-gen/render.js';
import { plural } from '../verify/outcome.js';
import { errorLine, EXIT, exitCodeFor, TYPES_EXITS } from './exit-codes.js';
import { runInterruptible } from './interrupt.js';
import { processIo, type CliIo } from './io.js';
import { parseOptions } from './parse-options.js';

/** Lines of diff `--check` prints at most: a large drift stays readable in CI logs. */
const CHECK_DIFF_LINES = 40;

/**
 * `create-saas-db types [dir] [--out <file>] [--check] [--no-literal-unions] [--web-dir <dir>]`:
 * applies the repo's migrations on the embedded engine and plans the `Database` types file;
 * apply writes it, or `--check` reports the plan. `argv` is what follows `types`. Returns the exit code.
 */
export async function runTypesCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseOptions(typesCommand, argv, io);
  if (parsed.kind === 'printed') return EXIT.ok;
  if (parsed.kind === 'usage') {
    io.stderr(`create-saas-db types: ${parsed.message}\n`);
    return EXIT.usage;
  }
  const { options } = parsed;
  try {
    // The run notices the abort before it writes; a write under way is undone by apply.
    const run = await runInterruptible((signal) => runTypes(options, io, signal));
    if (run.kind === 'finished') return run.value;
    io.stderr('create-saas-db types: interrupted again; not waiting for the write to be undone\n');
    return EXIT.cancelled;
  } catch (error) {
    io.stderr(`create-saas-db types: ${errorLine(error)}\n`);
    return exitCodeFor(error, TYPES_EXITS);
  }
}

async function runTypes(options: TypesOptions, io: CliIo, signal: AbortSignal): Promise<number> {
  // The engine's thread gets ready while the repo is read.
  if (!options.dbUrl) prestartEmbeddedEngine();
  const facts = await detectProject(path.resolve(io.cwd, options.dir), { webDir: options.webDir });
  if (!facts.exists) throw new CliError('target', `${options.dir} does not exist`);
  const migrations = await readRepoMigrations(facts);
  const schemas = typeSchemas(facts.supabase.apiSchemas, options.schema ? parseSchemaList(options.schema) : undefined);
  const limits = { statementTimeoutMs: options.statementTimeout * 1000, signal };
  const model = await (
    options.dbUrl ? introspectDatabaseUrl(options.dbUrl, schemas, limits) : introspectMigrations(migrations, schemas, limits)
  ).catch((error: unknown) => {
    // The signal stopped the engine: that is the error, not the statement it stopped.
    if (signal.aborted) throw new CliError('cancelled', 'interrupted: nothing was written');
    throw isMigrationError(error) ? new CliError('migration', error.message) : error;
  });
  if (signal.aborted) throw new CliError('cancelled', 'interrupted: nothing was written');

  const target = outputTarget(options, facts, io.cwd);
  const abs = path.join(target.root, target.path);
  const content = renderDatabaseTypes(model, { literalUnions: options.literalUnions });
  const plan = typesFilePlan(target, content, await readText(abs));
  const shown = path.relative(io.cwd, abs) || abs;
  if (options.check) return reportCheck(plan, shown, migrations.length, io);

  if (plan.files[0]?.status === 'unchanged') {
    io.stdout(`${shown} unchanged (${summary(model)})\n`);
    return EXIT.ok;
  }
  await applyPlan(plan, { signal });
  io.stdout(`wrote ${shown} (${summary(model)})\n`);
  return EXIT.ok;
}

/** The repo's types file (its layout decides where), or the --out file, relative to the working directory. */
function outputTarget(options: TypesOptions, facts: ProjectFacts, cwd: string): TypesFileTarget {
  if (!options.out) return { root: facts.root, path: phaseLayout(facts).typesFile };
  const abs = path.resolve(cwd, options.out);
  return { root: path.dirname(abs), path: path.basename(abs) };
}

/** `--check`: the plan as a dry run; anything but `unchanged` fails. */
function reportCheck(plan: Plan, shown: string, migrationCount: number, io: CliIo): number {
  const file = plan.files[0];
  if (file?.status === 'unchanged') {
    io.stdout(`${shown} is up to date with ${plural(migrationCount, 'migration')}\n`);
    return EXIT.ok;
  }
  if (!file || file.previous === null) {
    io.stderr(`${shown} is missing: run create-saas-db types\n`);
    return EXIT.failure;
  }
  const diff = unifiedDiff(shown, file.previous, file.content ?? '', { maxLines: CHECK_DIFF_LINES });
  io.stderr(
    `${shown} differs from the types the migrations produce (- on disk, + expected):\n${diff}Run create-saas-db types to update it.\n`,
  );
  return EXIT.failure;
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
  return counts.map(([n, noun]) => plural(n, noun)).join(', ');
}
