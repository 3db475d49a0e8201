import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { applyPlan } from '../apply/apply.js';
import { hasInterruptedRun, JOURNAL_FILE, recoverInterruptedRun, type RunJournal } from '../apply/journal.js';
import { withTargetLock } from '../apply/lock.js';
import type { EngineLimits } from '../db/engine-cache.js';
import type { ProjectFacts } from '../detect/facts.js';
import { findWebAppCandidates } from '../detect/web-app.js';
import { readJson } from '../detect/fs-probe.js';
import { CliError, isCliError } from '../errors.js';
import { generateCommand, type GenerateOptions } from '../options/generate.js';
import { parseTierList, tiersSchema } from '../options/tiers.js';
import { phaseInitialSchema, tiersInInitialSchema } from '../phase-04/existing-tiers.js';
import { MIGRATIONS_DIR } from '../phase-04/layout.js';
import { DEFAULT_TIERS } from '../phase-04/spec.js';
import { detectTarget, preparePlan, type TypesGenerator } from '../pipeline/prepare.js';
import { isWebAppMissing } from '../pipeline/web-app-choice.js';
import { isBackendChoiceNeeded } from '../pipeline/backend-choice.js';
import { keepConflict, overwriteConflict } from '../plan/plan.js';
import type { Plan } from '../plan/types.js';
import { ansi, plain, wantsColor } from '../report/colors.js';
import { formatHumanReport, shortSummary, toJsonReport, type GenerateOutcome, type InstallOutcome } from '../report/generate-report.js';
import { selfCommand } from '../report/invocation.js';
import { errorLine, EXIT, exitCodeFor, GENERATE_EXITS } from './exit-codes.js';
import { installDependencies } from './install.js';
import { recordSignals, runInterruptible, type InterruptPolicy } from './interrupt.js';
import { processIo, type CliIo } from './io.js';
import { parseOptions } from './parse-options.js';
import { silentProgress, terminalProgress, type Progress } from './progress.js';

/** `create-saas-db [dir] [options]`, `create-saas-db verify …`, `create-saas-db types …`. Returns the exit code. */
export async function runCreateCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  if (argv[0] === 'verify') return (await import('./verify-command.js')).runVerifyCli(argv.slice(1), io, 'create-saas-db verify');
  if (argv[0] === 'types') return (await import('./types-command.js')).runTypesCli(argv.slice(1), io);
  const parsed = parseOptions(generateCommand, argv, io);
  if (parsed.kind === 'printed') return EXIT.ok;
  if (parsed.kind === 'usage') {
    io.stderr(`create-saas-db: ${parsed.message}\n`);
    return EXIT.usage;
  }
  const { options } = parsed;
  // --json keeps stdout machine-readable: no prompts drawn on it.
  const interactive = io.isTTY && !options.yes && !options.json && !isCi(io.env);
  const target = path.resolve(io.cwd, options.dir);
  const progress = interactive ? await terminalProgress() : silentProgress;
  let journal: RunJournal | null = null;
  let runSignal: AbortSignal | null = null;
  try {
    // The run notices the abort between steps and undoes what it wrote before it settles; once
    // undoing has begun, a second signal does not stop it (generateInterrupts).
    const run = await runInterruptible(
      (signal) => {
        runSignal = signal;
        return withTargetLock(target, () => generate(options, io, interactive, progress, signal, (j) => (journal = j)));
      },
      undefined,
      generateInterrupts(io),
    );
    if (run.kind !== 'finished') {
      io.stderr(`create-saas-db: ${interruptedAgainMessage(journal)}\n`);
      return EXIT.cancelled;
    }
    const late = recordSignals();
    try {
      const signalled = (runSignal as AbortSignal | null)?.aborted === true;
      const outcome = signalled ? { ...run.value, exitCode: EXIT.cancelled } : run.value;
      const palette = wantsColor(io.env, io.stdoutIsTTY ?? false, options.json) ? ansi : plain;
      io.stdout(
        options.json ? `${JSON.stringify(toJsonReport(outcome), null, 2)}\n` : formatHumanReport(outcome, { diff: options.diff, palette }),
      );
      if (interactive) progress.outro(shortSummary(outcome, selfCommand(), process.cwd()));
      if (!signalled && !late.received()) return outcome.exitCode;
      io.stderr(`create-saas-db: ${lateInterruptionMessage(outcome)}\n`);
      return EXIT.cancelled;
    } finally {
      late.release();
    }
  } catch (error) {
    const code = exitCodeFor(error, GENERATE_EXITS);
    const message = errorLine(error);
    if (options.json)
      io.stdout(
        `${JSON.stringify({ error: { code: isCliError(error) ? error.code : 'internal', message, details: isCliError(error) ? error.details : [] }, exitCode: code }, null, 2)}\n`,
      );
    io.stderr(`create-saas-db: ${message}\n`);
    return code;
  }
}

async function generate(
  options: GenerateOptions,
  io: CliIo,
  interactive: boolean,
  progress: Progress,
  signal: AbortSignal,
  onJournal: (journal: RunJournal) => void,
): Promise<GenerateOutcome> {
  progress.intro();
  await undoInterruptedRun(path.resolve(io.cwd, options.dir), options.dryRun, io);
  const facts = await detectWithChoice(options, io.cwd, interactive);
  const repoTiers = await tiersFromRepo(options, facts);
  const known = repoTiers ? { ...options, tiers: repoTiers.tiers } : options;
  const settled = interactive ? await askMissing(known, facts) : known;
  if (signal.aborted) throw new CliError('cancelled', 'interrupted: nothing was written');
  const limits: EngineLimits = { statementTimeoutMs: settled.statementTimeout * 1000, signal };
  const prepared = await preparePlan({
    options: settled,
    cwd: io.cwd,
    now: new Date(),
    facts,
    generateTypes: settled.types ? withSpinner(await loadTypesGenerator(limits), progress) : undefined,
    engineLimits: limits,
  });
  let plan = repoTiers ? { ...prepared.plan, notes: [repoTiers.note, ...prepared.plan.notes] } : prepared.plan;
  if (interactive && !settled.dryRun) plan = await resolveConflictsInteractively(plan, io);
  if (signal.aborted) throw new CliError('cancelled', 'interrupted: nothing was written');
  const applied = settled.dryRun ? null : await applyPlan(plan, { signal, onJournal });
  const install = settled.dryRun ? null : await maybeInstall(plan, facts, settled, progress, signal);
  const conflicts = plan.files.some((f) => f.status === 'conflict');
  const exitCode = install && !install.ok && !install.skipped ? EXIT.install : conflicts ? EXIT.conflicts : EXIT.ok;
  return { facts, layout: prepared.layout, plan, dryRun: settled.dryRun, applied, install, exitCode };
}

/**
 * A journal in the target means a run died half-way (we hold the lock, so its owner is gone):
 * its changes are undone before anything is detected, and the run says so in one line.
 */
async function undoInterruptedRun(target: string, dryRun: boolean, io: CliIo): Promise<void> {
  if (dryRun) {
    if (await hasInterruptedRun(target)) {
      io.stderr(
        `create-saas-db: ${JOURNAL_FILE} holds the changes of an interrupted run; the next run without --dry-run undoes them first\n`,
      );
    }
    return;
  }
  const recovered = await recoverInterruptedRun(target);
  if (recovered === null) return;
  io.stderr(
    `create-saas-db: undid an interrupted run (pid ${recovered.pid}, started ${recovered.startedAt}): ${recovered.undone} change(s) reverted, continuing\n`,
  );
}

/** generate: once undoing has begun it must finish; the second signal is acknowledged, the third ends the wait. */
function generateInterrupts(io: CliIo): InterruptPolicy {
  return {
    ignoreRepeats: 1,
    onIgnored: () =>
      io.stderr(
        'create-saas-db: finishing what was started (undoing this run, or stopping the install); interrupt once more to exit now\n',
      ),
  };
}

function interruptedAgainMessage(journal: RunJournal | null): string {
  const left = journal?.undoing ? journal.pending() : [];
  if (left.length === 0) return 'interrupted again; not waiting for this run to finish';
  return `interrupted again while undoing; check ${left.join(', ')}: the next run undoes the rest (${JOURNAL_FILE})`;
}

/** A signal after the last write: nothing to undo, but the install may have been stopped. */
function lateInterruptionMessage(outcome: GenerateOutcome): string {
  const install = outcome.install;
  if (install && !install.ok && !install.skipped && install.error?.startsWith('interrupted')) {
    const written = outcome.applied?.written.length ?? 0;
    return `interrupted during \`${install.command}\`: the ${written} file(s) of this run are written; ${install.error}`;
  }
  return 'interrupted after the last write: done: nothing to undo';
}

async function detectWithChoice(options: GenerateOptions, cwd: string, interactive: boolean): Promise<ProjectFacts> {
  try {
    return await detectTarget(options, cwd);
  } catch (error) {
    if (interactive && isWebAppMissing(error)) {
      const { askWebApp } = await import('./prompts.js');
      const choice = await askWebApp(error.candidates);
      return detectWithChoice(choice === null ? { ...options, web: false } : { ...options, webDir: choice || '.' }, cwd, interactive);
    }
    if (interactive && isBackendChoiceNeeded(error)) {
      const { askBackend } = await import('./prompts.js');
      const choice = await askBackend(error.candidates);
      return detectWithChoice(choice === null ? { ...options, backend: false } : { ...options, backendDir: choice }, cwd, interactive);
    }
    if (!interactive || !isCliError(error) || error.code !== 'layout' || error.details.length < 2) throw error;
    const root = path.resolve(cwd, options.dir);
    const candidates = await findWebAppCandidates(root, await readJson(path.join(root, 'package.json')));
    const { askWebDir } = await import('./prompts.js');
    return detectTarget({ ...options, webDir: (await askWebDir(candidates)) || '.' }, cwd);
  }
}

/**
 * A rerun: the phase's migrations are already there, so their tiers are the ones the seed and the
 * tests must match; read from the initial schema instead of asked (or defaulted) again.
 */
async function tiersFromRepo(options: GenerateOptions, facts: ProjectFacts): Promise<{ tiers: string[]; note: string } | null> {
  if (options.tiers || options.config || facts.scaffoldConfig?.tiers) return null;
  const name = phaseInitialSchema(facts.supabase.migrations);
  if (name === null) return null;
  const file = `${MIGRATIONS_DIR}/${name}`;
  const sql = await readFile(path.join(facts.root, file), 'utf8').catch(() => null);
  const tiers = sql === null ? null : tiersInInitialSchema(sql);
  if (tiers === null || !tiersSchema.safeParse(tiers).success) return null;
  return { tiers, note: `tiers ${tiers.join(', ')}: read from ${file} (the phase's migrations are already there)` };
}

/** Asks only what neither a flag, the config file nor the repo already answers. */
async function askMissing(options: GenerateOptions, facts: ProjectFacts): Promise<GenerateOptions> {
  const prompts = await import('./prompts.js');
  let next = options;
  if (!options.tiers && !options.config && !facts.scaffoldConfig?.tiers) {
    const answer = await prompts.askTiers(DEFAULT_TIERS, (value) => {
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
    const choice = await askConflict(file, io.stdout);
    resolved = choice === 'overwrite' ? overwriteConflict(resolved, file.path) : keepConflict(resolved, file.path);
  }
  return resolved;
}

async function maybeInstall(
  plan: Plan,
  facts: ProjectFacts,
  options: GenerateOptions,
  progress: Progress,
  signal: AbortSignal,
): Promise<InstallOutcome | null> {
  if (plan.addedWebDependencies.length === 0) return null;
  const command = `${facts.packageManager} install`;
  if (!options.install) return { command, ok: false, skipped: '--no-install', error: null, log: null, tail: [] };
  return progress.step(
    `Installing dependencies (${command})`,
    (outcome) => (outcome.ok ? `Dependencies installed (${command})` : `${command} failed: see the report`),
    () => installDependencies(facts.packageManager, path.join(facts.root, facts.web.dir), signal),
  );
}

async function loadTypesGenerator(limits: EngineLimits): Promise<TypesGenerator> {
  const { typesForMigrations } = await import('../types-gen/from-migrations.js');
  return (migrations, schemas, appliedOn) => typesForMigrations(migrations, { literalUnions: true, schemas, appliedOn, limits });
}

function withSpinner(generate: TypesGenerator, progress: Progress): TypesGenerator {
  return (migrations, schemas, appliedOn) =>
    progress.step(
      'Generating the Database types',
      () => 'Database types generated',
      () => generate(migrations, schemas, appliedOn),
    );
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}
