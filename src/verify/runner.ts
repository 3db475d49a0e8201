import { firstLine } from '../errors.js';
import { runModeChecks, type ModeResults } from './database/mode-runner.js';
import type { DatabaseProvider } from './database/session.js';
import { mergeModeOutcomes, type ModeOutcome } from './merge-modes.js';
import { failed, skipped } from './outcome.js';
import type { CheckDefinition, DatabaseCheck, PhaseDefinition, RepoCheck } from './phase.js';
import { instant, runGuarded, type Timed } from './timing.js';
import type { CheckOutcome, CheckResult, Finding, GrantMode, RepoContext } from './types.js';

/**
 * Runs a phase's checks and returns one timed result per check, in phase order. Repo checks run
 * concurrently with the database checks, except those that must run alone, which run last. The
 * database checks run in phase order on one fresh database per grant mode: the modes one at a
 * time, or side by side where the provider allows it (a server; the embedded engine when each
 * mode has an engine of its own).
 */
export async function runChecks(phase: PhaseDefinition, ctx: RepoContext, databases: DatabaseProvider): Promise<CheckResult[]> {
  const skip = new Set(ctx.options.skip);
  const repoChecks = phase.checks.filter((c): c is RepoCheck => c.scope === 'repo');
  const databaseChecks = phase.checks.filter((c): c is DatabaseCheck => c.scope === 'database');
  const runRepo = (check: RepoCheck) => (skip.has(check.name) ? instant(skipped('skipped by --skip')) : runRepoCheck(check, ctx));

  const concurrent = repoChecks.filter((c) => !c.runsAlone);
  const [databaseResults, ...concurrentResults] = await Promise.all([
    runDatabaseChecks(databaseChecks, ctx, databases, skip),
    ...concurrent.map(runRepo),
  ]);
  const results = new Map<string, Timed<CheckOutcome>>(databaseResults);
  concurrent.forEach((check, i) => results.set(check.name, concurrentResults[i]!));
  for (const check of repoChecks.filter((c) => c.runsAlone)) results.set(check.name, await runRepo(check));
  return phase.checks.map((check) => toResult(check, results.get(check.name)!, ctx.options.strict));
}

/**
 * On an engine the grant modes share, each migration file is a savepoint of the mode's
 * transaction, and PostgreSQL's work at the end of each grows with the relations that transaction
 * created (1,000 files took half again as long as on an engine of their own, 2,000 files 2.4
 * times): from this many files on, each mode gets its own database, where each file commits, and
 * pays the boot.
 */
export const MIGRATIONS_FOR_OWN_DATABASE = 500;

async function runRepoCheck(check: RepoCheck, ctx: RepoContext): Promise<Timed<CheckOutcome>> {
  if (ctx.options.signal?.aborted) return instant(skipped('interrupted'));
  return runGuarded(() => check.run(ctx));
}

async function runDatabaseChecks(
  checks: readonly DatabaseCheck[],
  ctx: RepoContext,
  databases: DatabaseProvider,
  skip: ReadonlySet<string>,
): Promise<Map<string, Timed<CheckOutcome>>> {
  const perCheck = new Map<string, ModeOutcome[]>(checks.map((c) => [c.name, []]));
  const toRun = checks.filter((c) => !skip.has(c.name));
  const modes = toRun.length === 0 ? [] : ctx.options.grants;
  let leftBehind: readonly Finding[];
  try {
    const ownDatabases = ctx.facts.supabase.migrations.length >= MIGRATIONS_FOR_OWN_DATABASE;
    const request: ModesRun = { modes, checks: toRun, ctx, databases, skip, ownDatabases };
    const sideBySide = (await databases.concurrentModes?.({ ownDatabases })) ?? false;
    const runs = sideBySide ? await modesSideBySide(request) : await modesInTurn(request);
    // In mode order, whichever finished first: the merged report names modes in that order.
    runs.forEach((run, i) => {
      for (const [name, outcome] of run) perCheck.get(name)!.push({ mode: modes[i]!, ...outcome });
    });
  } finally {
    leftBehind = await databases.close().catch((error: unknown) => [{ message: firstLine(error) }]);
  }
  const results = new Map(
    checks.map((check) => [
      check.name,
      skip.has(check.name) ? instant(skipped('skipped by --skip')) : mergeModeOutcomes(perCheck.get(check.name)!),
    ]),
  );
  // The first check that ran owns the databases' setup, and so what they left behind: the
  // server was left changed, which fails the run.
  const owner = toRun[0];
  if (owner && leftBehind.length > 0) results.set(owner.name, withLeftBehind(results.get(owner.name)!, leftBehind));
  const changed = databases.serverChanges?.() ?? [];
  if (owner && changed.length > 0) results.set(owner.name, withWarnings(results.get(owner.name)!, changed));
  return results;
}

/** The grant modes to run the database checks in, and what they run on. */
interface ModesRun {
  readonly modes: readonly GrantMode[];
  readonly checks: readonly DatabaseCheck[];
  readonly ctx: RepoContext;
  readonly databases: DatabaseProvider;
  readonly skip: ReadonlySet<string>;
  /** Every mode gets a database of its own from the start (see MIGRATIONS_FOR_OWN_DATABASE). */
  readonly ownDatabases: boolean;
}

/**
 * One mode after the other: on an embedded engine the modes share (or an engine of each mode's
 * own, on a machine without a core and the memory for two), and on a server whose SQL changes
 * roles. A statement past the time limit stopped the engine: the modes
 * after it are skipped. A mode that needed a database of its own (a failure, SQL that depends on
 * commits) most likely will in the next mode too.
 */
async function modesInTurn({ modes, checks, ctx, databases, skip, ownDatabases }: ModesRun): Promise<ModeResults[]> {
  const runs: ModeResults[] = [];
  let ownDatabase = ownDatabases;
  for (const mode of modes) {
    if (ctx.options.signal?.aborted) break;
    const stopped = databases.stopReason?.() ?? null;
    if (stopped !== null) {
      runs.push(new Map(checks.map((check) => [check.name, instant(skipped(stopped))])));
      continue;
    }
    const run = await runModeChecks(checks, ctx, databases, mode, skip, { ownDatabase });
    ownDatabase ||= run.ownDatabase;
    runs.push(run.results);
  }
  return runs;
}

/**
 * Every mode at once, each on a database of its own: on a server, each on its own connections;
 * embedded, each on an engine thread of its own. The run's end waits for every mode, a failed
 * one too.
 */
async function modesSideBySide({ modes, checks, ctx, databases, skip }: ModesRun): Promise<ModeResults[]> {
  if (ctx.options.signal?.aborted) return [];
  const runs = await Promise.allSettled(modes.map((mode) => runModeChecks(checks, ctx, databases, mode, skip, { ownDatabase: true })));
  const thrown = runs.find((run) => run.status === 'rejected');
  if (thrown) throw thrown.reason;
  return runs.map((run) => (run as PromiseFulfilledResult<{ results: ModeResults }>).value.results);
}

function withLeftBehind(run: Timed<CheckOutcome>, left: readonly Finding[]): Timed<CheckOutcome> {
  const outcome = run.value;
  const summary = 'the run left the server changed';
  return {
    ...run,
    value: outcome.status === 'fail' ? { ...outcome, findings: [...outcome.findings, ...left] } : failed(summary, left, outcome.warnings),
  };
}

function withWarnings(run: Timed<CheckOutcome>, warnings: readonly Finding[]): Timed<CheckOutcome> {
  return { ...run, value: { ...run.value, warnings: [...run.value.warnings, ...warnings] } };
}

function toResult(check: CheckDefinition, run: Timed<CheckOutcome>, strict: boolean): CheckResult {
  const outcome = run.value;
  const base = { name: check.name, title: check.title, durationMs: run.durationMs, warnings: outcome.warnings };
  switch (outcome.status) {
    case 'pass':
      return { ...base, status: 'pass', reason: null, findings: [] };
    case 'fail':
      return { ...base, status: 'fail', reason: outcome.summary, findings: outcome.findings };
    case 'skip':
      return strict
        ? { ...base, status: 'fail', reason: `skipped, which --strict does not allow: ${outcome.reason}`, findings: [] }
        : { ...base, status: 'skip', reason: outcome.reason, findings: [] };
  }
}
