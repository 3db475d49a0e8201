import type { DatabaseProvider, DatabaseSession } from './database/session.js';
import { mergeModeOutcomes, type ModeOutcome } from './merge-modes.js';
import { failed, skipped } from './outcome.js';
import type { CheckDefinition, DatabaseCheck, PhaseDefinition, RepoCheck } from './phase.js';
import { errorMessage, runGuarded, timed, type Timed } from './timing.js';
import type { CheckOutcome, CheckResult, GrantMode, RepoContext } from './types.js';

/**
 * Runs a phase's checks and returns one timed result per check, in phase order. Repo checks run
 * concurrently with the database checks, except those that must run alone, which run last; the
 * database checks run in order, once per grant mode, on one database per mode (opened, used and
 * closed before the next, to bound memory).
 */
export async function runChecks(
  phase: PhaseDefinition,
  ctx: RepoContext,
  databases: DatabaseProvider,
): Promise<CheckResult[]> {
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
  for (const mode of ctx.options.grants) {
    const outcomes = toRun.length === 0 ? new Map() : await runInMode(toRun, ctx, databases, mode, skip);
    for (const [name, outcome] of outcomes) perCheck.get(name)!.push({ mode, ...outcome });
  }
  return new Map(
    checks.map((check) => [
      check.name,
      skip.has(check.name) ? instant(skipped('skipped by --skip')) : mergeModeOutcomes(perCheck.get(check.name)!),
    ]),
  );
}

async function runInMode(
  checks: readonly DatabaseCheck[],
  ctx: RepoContext,
  databases: DatabaseProvider,
  mode: GrantMode,
  skip: ReadonlySet<string>,
): Promise<Map<string, Timed<CheckOutcome>>> {
  const results = new Map<string, Timed<CheckOutcome>>();
  const opening = await timed(() => databases.open(mode).then(
    (session) => ({ session, error: null }),
    (error: unknown) => ({ session: null, error }),
  ));
  const db = opening.value.session;
  if (!db) {
    // The first check owns the failure (and its time); the others could not run at all.
    const [first, ...rest] = checks;
    const summary = `cannot prepare the ${mode}-grants database: ${errorMessage(opening.value.error)}`;
    if (first) results.set(first.name, { value: failed(summary), durationMs: opening.durationMs });
    for (const check of rest) results.set(check.name, instant(skipped('the database could not be prepared')));
    return results;
  }
  try {
    for (const check of checks) {
      results.set(check.name, await runDatabaseCheck(check, ctx, db, results, skip));
    }
  } finally {
    await db.close().catch(() => undefined);
  }
  return results;
}

function runDatabaseCheck(
  check: DatabaseCheck,
  ctx: RepoContext,
  db: DatabaseSession,
  earlier: ReadonlyMap<string, Timed<CheckOutcome>>,
  skip: ReadonlySet<string>,
): Promise<Timed<CheckOutcome>> {
  if (ctx.options.signal?.aborted) return Promise.resolve(instant(skipped('interrupted')));
  for (const need of check.needs) {
    if (skip.has(need)) return Promise.resolve(instant(skipped(`needs ${need}, which was skipped`)));
    const status = earlier.get(need)?.value.status;
    if (status !== 'pass') return Promise.resolve(instant(skipped(`needs ${need}, which did not pass`)));
  }
  return runGuarded(() => check.run(ctx, db));
}

function instant(value: CheckOutcome): Timed<CheckOutcome> {
  return { value, durationMs: 0 };
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
