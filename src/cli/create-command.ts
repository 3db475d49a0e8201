import path from 'node:path';
import { Command } from 'commander';
import { applyPlan } from '../apply/apply.js';
import { withTargetLock } from '../apply/lock.js';
import type { ProjectFacts } from '../detect/facts.js';
import { findWebAppCandidates } from '../detect/web-app.js';
import { readJson } from '../detect/fs-probe.js';
import { CliError, isCliError } from '../errors.js';
import { describeOptionsError, generateOptionsSchema, parseTierList, tiersSchema, type GenerateOptions } from '../options/schema.js';
import { detectTarget, preparePlan, type TypesGenerator } from '../pipeline/prepare.js';
import { overwriteConflict } from '../plan/plan.js';
import type { Plan } from '../plan/types.js';
import { formatHumanReport, toJsonReport, type GenerateOutcome, type InstallOutcome } from '../report/generate-report.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { installDependencies } from './install.js';
import { packageVersion } from './package-version.js';
import { parseCommandLine } from './parse-command-line.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export const processIo = (): CliIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stdin.isTTY),
  env: process.env,
  cwd: process.cwd(),
});

/** `create-saas-db [dir] [options]`, `create-saas-db verify …`, `create-saas-db types …`. Returns the exit code. */
export async function runCreateCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  if (argv[0] === 'verify') return (await import('./verify-command.js')).runVerifyCli(argv.slice(1));
  if (argv[0] === 'types') return (await import('./types-command.js')).runTypesCli(argv.slice(1));
  let raw: Record<string, unknown> | null;
  try {
    raw = parseArgs(argv, io);
  } catch (error) {
    io.stderr(`create-saas-db: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  if (raw === null) return EXIT.ok; // --help / --version
  const parsed = generateOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    io.stderr(`create-saas-db: ${describeOptionsError(parsed.error)}\n`);
    return EXIT.usage;
  }
  const options = parsed.data;
  // --json keeps stdout machine-readable: no prompts drawn on it.
  const interactive = io.isTTY && !options.yes && !options.json && !isCi(io.env);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const outcome = await withTargetLock(path.resolve(io.cwd, options.dir), () => generate(options, io, interactive, abort.signal));
    io.stdout(options.json ? `${JSON.stringify(toJsonReport(outcome), null, 2)}\n` : formatHumanReport(outcome, { diff: options.diff }));
    return outcome.exitCode;
  } catch (error) {
    const code = isCliError(error) ? exitCodeFor(error.code) : EXIT.failure;
    const message = isCliError(error) ? error.message : `unexpected error: ${(error as Error)?.stack ?? error}`;
    if (options.json) io.stdout(`${JSON.stringify({ error: { code: isCliError(error) ? error.code : 'internal', message, details: isCliError(error) ? error.details : [] }, exitCode: code }, null, 2)}\n`);
    io.stderr(`create-saas-db: ${message}\n`);
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function generate(options: GenerateOptions, io: CliIo, interactive: boolean, signal: AbortSignal): Promise<GenerateOutcome> {
  const facts = await detectWithChoice(options, io.cwd, interactive);
  const settled = interactive ? await askMissing(options, facts) : options;
  if (signal.aborted) throw new CliError('cancelled', 'interrupted: nothing was written');
  const prepared = await preparePlan({
    options: settled,
    cwd: io.cwd,
    now: new Date(),
    facts,
    generateTypes: settled.types ? await loadTypesGenerator() : undefined,
  });
  let plan = prepared.plan;
  if (interactive && !settled.dryRun) plan = await resolveConflictsInteractively(plan, io);
  if (signal.aborted) throw new CliError('cancelled', 'interrupted: nothing was written');
  const applied = settled.dryRun ? null : await applyPlan(plan, { signal });
  const install = settled.dryRun ? null : await maybeInstall(plan, facts, settled);
  const conflicts = plan.files.some((f) => f.status === 'conflict');
  const exitCode = install && !install.ok && !install.skipped ? EXIT.install : conflicts ? EXIT.conflicts : EXIT.ok;
  return { facts, layout: prepared.layout, plan, dryRun: settled.dryRun, applied, install, exitCode };
}

async function detectWithChoice(options: GenerateOptions, cwd: string, interactive: boolean): Promise<ProjectFacts> {
  try {
    return await detectTarget(options, cwd);
  } catch (error) {
    if (!interactive || !isCliError(error) || error.code !== 'layout' || error.details.length < 2) throw error;
    const root = path.resolve(cwd, options.dir);
    const candidates = await findWebAppCandidates(root, await readJson(path.join(root, 'package.json')));
    const { askWebDir } = await import('./prompts.js');
    return detectTarget({ ...options, webDir: (await askWebDir(candidates)) || '.' }, cwd);
  }
}

/** Asks only what neither a flag, the config file nor the repo already answers. */
async function askMissing(options: GenerateOptions, facts: ProjectFacts): Promise<GenerateOptions> {
  const prompts = await import('./prompts.js');
  let next = options;
  if (!options.tiers && !options.config && !facts.scaffoldConfig?.tiers) {
    const answer = await prompts.askTiers(['free', 'pro', 'studio', 'enterprise'], (value) => {
      const result = tiersSchema.safeParse(parseTierList(value));
      return result.success ? undefined : result.error.issues[0]?.message;
    });
    next = { ...next, tiers: parseTierList(answer) };
  }
  if (!options.naming && facts.supabase.naming === null) next = { ...next, naming: await prompts.askNaming() };
  return next;
}

async function resolveConflictsInteractively(plan: Plan, io: CliIo): Promise<Plan> {
  const { askConflict } = await import('./prompts.js');
  let resolved = plan;
  for (const file of plan.files) {
    if (file.status !== 'conflict' || !file.forceable) continue;
    if ((await askConflict(file, io.stdout)) === 'overwrite') resolved = overwriteConflict(resolved, file.path);
  }
  return resolved;
}

async function maybeInstall(plan: Plan, facts: ProjectFacts, options: GenerateOptions): Promise<InstallOutcome | null> {
  if (plan.addedWebDependencies.length === 0) return null;
  const command = `${facts.packageManager} install`;
  if (!options.install) return { command, ok: false, skipped: '--no-install', error: null };
  return installDependencies(facts.packageManager, path.join(facts.root, facts.web.dir), options.json);
}

async function loadTypesGenerator(): Promise<TypesGenerator> {
  const module = (await import('../types-gen/index.js')) as { typesForMigrations: (m: Array<{ name: string; sql: string }>, o: { literalUnions: boolean }) => Promise<string> };
  return (migrations) => module.typesForMigrations(migrations, { literalUnions: true });
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** Commander turns flags into a raw object; zod validates it. Null means help/version was printed. */
function parseArgs(argv: string[], io: CliIo): Record<string, unknown> | null {
  const program = new Command('create-saas-db')
    .description('Give a SaaS repo its Supabase database foundation: migrations, RLS, seed, tests, Next.js and Python clients.')
    .argument('[dir]', 'target repo (created when missing)', '.')
    .option('--web-dir <dir>', 'Next.js app directory inside the target (default: detected, else apps/web)')
    .option('--backend-dir <dir>', 'Python backend directory inside the target (default: packages/backend)')
    .option('--no-backend', 'do not generate the Python database module')
    .option('--tiers <list>', 'subscription tiers, comma separated (default: free,pro,studio,enterprise)')
    .option('--naming <style>', 'migration names: sequential (00001_…) or timestamp (YYYYMMDDHHMMSS_…)')
    .option('--config <file>', "the guide's scaffold-config.json (payments.tiers[].id → tiers)")
    .option('--append', 'add the migrations after existing ones, in the repo’s naming')
    .option('--no-install', 'do not run the package manager after adding dependencies')
    .option('--no-types', 'do not generate the Database types file')
    .option('-y, --yes', 'no questions: take flags, config and defaults')
    .option('--dry-run', 'print the plan, write nothing')
    .option('--diff', 'show a diff for every file that differs')
    .option('--force', 'overwrite differing files (a .bak backup is kept; migrations are never touched)')
    .option('--json', 'print the report as JSON')
    .version(packageVersion(), '-v, --version')
    .helpOption('-h, --help')
    .addHelpText('after', '\nAlso: create-saas-db verify 04 [dir] · create-saas-db types [dir]\nExit codes: 0 ok · 1 failure · 2 bad input · 3 conflicts left · 4 --append refused · 5 install failed · 130 cancelled')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: () => undefined });
  if (!parseCommandLine(program, argv)) return null;
  const opts = program.opts<Record<string, unknown>>();
  const tiers = typeof opts['tiers'] === 'string' ? parseTierList(opts['tiers']) : undefined;
  return { ...opts, dir: program.args[0] ?? '.', tiers };
}
