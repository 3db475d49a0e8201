import type { DatabaseSession } from './database/session.js';
import type { CheckOutcome, RepoContext } from './types.js';

/** A check that reads the repo (files, compilers, interpreters). Runs once. */
export interface RepoCheck {
  readonly scope: 'repo';
  readonly name: string;
  readonly title: string;
  /** Blocks this thread while it works (an in-process compiler): run it when nothing else runs. */
  readonly runsAlone?: boolean;
  run(ctx: RepoContext): Promise<CheckOutcome>;
}

/**
 * A check that runs on a database prepared with the Supabase stand-in. Runs once per grant
 * mode, in phase order, on the same database; skipped in a mode where a check it needs did not
 * pass.
 */
export interface DatabaseCheck {
  readonly scope: 'database';
  readonly name: string;
  readonly title: string;
  readonly needs: readonly string[];
  /** Extensions the embedded engine must load for this check (it loads them when it starts). */
  readonly embeddedExtensions?: readonly string[];
  run(ctx: RepoContext, db: DatabaseSession): Promise<CheckOutcome>;
}

export type CheckDefinition = RepoCheck | DatabaseCheck;

export interface PhaseDefinition {
  /** Canonical two-digit id, e.g. `04`. */
  readonly id: string;
  readonly title: string;
  /** Written on success, relative to the repo root. */
  readonly markerFile: string;
  readonly checks: readonly CheckDefinition[];
}
