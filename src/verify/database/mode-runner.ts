import { firstLine } from '../../errors.js';
import { keptUnlessThrown } from '../../db/transaction.js';
import { failed, skipped } from '../outcome.js';
import type { DatabaseCheck } from '../phase.js';
import { instant, runGuarded, timed, type Timed } from '../timing.js';
import type { CheckOutcome, GrantMode, RepoContext } from '../types.js';
import type { DatabaseProvider, DatabaseSession, OpenOptions } from './session.js';

export type ModeResults = Map<string, Timed<CheckOutcome>>;

export interface ModeRun {
  readonly results: ModeResults;
  /** The results come from a database of the mode's own (see DatabaseSession.sharedEngine). */
  readonly ownDatabase: boolean;
}

/**
 * One grant mode's database checks, in phase order, on a fresh database from `databases`; a
 * check whose need did not pass in this mode is skipped. A failure in a session on a shared
 * engine is confirmed on a database of the mode's own, and that run is reported (not one where a
 * statement ran past the time limit); `ownDatabase` goes there directly.
 */
export async function runModeChecks(
  checks: readonly DatabaseCheck[],
  ctx: RepoContext,
  databases: DatabaseProvider,
  mode: GrantMode,
  skip: ReadonlySet<string>,
  options: OpenOptions = {},
): Promise<ModeRun> {
  const first = await runInSession(checks, ctx, databases, mode, skip, options);
  const failedThere = [...first.results.values()].some((r) => r.value.status === 'fail');
  // A statement past the time limit would only run past it again.
  const stopped = databases.stopReason?.() ?? null;
  if (!first.shared || !failedThere || stopped !== null || ctx.options.signal?.aborted)
    return { results: first.results, ownDatabase: !first.shared };
  const confirmed = await runInSession(checks, ctx, databases, mode, skip, { ownDatabase: true });
  return { results: confirmed.results, ownDatabase: true };
}

async function runInSession(
  checks: readonly DatabaseCheck[],
  ctx: RepoContext,
  databases: DatabaseProvider,
  mode: GrantMode,
  skip: ReadonlySet<string>,
  options: OpenOptions,
): Promise<{ results: ModeResults; shared: boolean }> {
  const results = new Map<string, Timed<CheckOutcome>>();
  const extensions = checks.filter((c) => !skip.has(c.name)).flatMap((c) => c.embeddedExtensions ?? []);
  const opening = await timed(() =>
    databases.open(mode, { ...options, extensions }).then(
      (session) => ({ session, error: null }),
      (error: unknown) => ({ session: null, error }),
    ),
  );
  const opened = opening.value.session;
  const db = opened && followedSession(opened, () => databases.open(mode, { ownDatabase: true, extensions }));
  if (!db) {
    // The first check owns the failure (and its time); the others could not run at all.
    const [first, ...rest] = checks;
    // The mode is named by the merge of the modes' results, when not every mode failed alike.
    const summary = `cannot prepare the database: ${firstLine(opening.value.error)}`;
    if (first) results.set(first.name, { value: failed(summary), durationMs: opening.durationMs });
    for (const check of rest) results.set(check.name, instant(skipped('the database could not be prepared')));
    return { results, shared: !options.ownDatabase };
  }
  try {
    for (const check of checks) {
      results.set(check.name, await runDatabaseCheck(check, ctx, db, results, skip));
    }
  } finally {
    await db.close().catch(() => undefined);
  }
  return { results, shared: db.sharedEngine };
}

/**
 * The session the mode's checks share, as the checks see it: `opened` until a check moves the
 * rest to a new session (`continueIn`); closing it closes every session it was.
 */
function followedSession(opened: DatabaseSession, openFresh: () => Promise<DatabaseSession>): DatabaseSession {
  let current = opened;
  const earlier: DatabaseSession[] = [];
  return {
    get engine() {
      return current.engine;
    },
    get grants() {
      return current.grants;
    },
    get url() {
      return current.url;
    },
    sharedEngine: opened.sharedEngine,
    // The same database in every session the mode moves to.
    ...(opened.installExtension ? { installExtension: opened.installExtension } : {}),
    openFresh,
    ...(opened.newSession ? { newSession: () => (current.newSession ?? opened.newSession!)() } : {}),
    async continueIn(next) {
      const left = current;
      current = next;
      if (left !== opened || left.engine.kind === 'embedded') await left.close().catch(() => undefined);
      else earlier.push(left);
    },
    async close() {
      for (const session of [current, ...earlier]) await session.close().catch(() => undefined);
    },
  };
}

async function runDatabaseCheck(
  check: DatabaseCheck,
  ctx: RepoContext,
  db: DatabaseSession,
  earlier: ReadonlyMap<string, Timed<CheckOutcome>>,
  skip: ReadonlySet<string>,
): Promise<Timed<CheckOutcome>> {
  if (ctx.options.signal?.aborted) return instant(skipped('interrupted'));
  for (const need of check.needs) {
    if (skip.has(need)) return instant(skipped(`needs ${need}, which was skipped`));
    const status = earlier.get(need)?.value.status;
    if (status !== 'pass') return instant(skipped(`needs ${need}, which did not pass`));
  }
  // On a shared engine a check that throws must not abort the mode's transaction.
  return runGuarded(() => keptUnlessThrown(db.engine, () => check.run(ctx, db)));
}
