/**
 * The vocabulary of `verify-phase`: a phase is a list of named checks; each check returns an
 * outcome; the runner turns outcomes into timed results; reporters format the report.
 */
import type { ProjectFacts } from '../detect/facts.js';
import type { PhaseLayout } from '../phase-04/layout.js';
import type { RepoTexts } from './repo-texts.js';

export type CheckStatus = 'pass' | 'fail' | 'skip';

export type GrantMode = 'legacy' | 'current';

/** Where a finding points, relative to the repo root (posix). */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

export interface Finding {
  readonly message: string;
  readonly location?: SourceLocation;
  /**
   * Findings of one kind on many objects share a group (an advisor lint on each of a large repo's
   * own tables, e.g. `rls_enabled_no_policy (info) on the repo's own objects`): the human report
   * shows the first few of each group and counts the rest.
   */
  readonly group?: string;
}

/** What a check's own code returns; the runner adds the name, title and duration. */
export type CheckOutcome =
  | { readonly status: 'pass'; readonly warnings: readonly Finding[] }
  | {
      readonly status: 'fail';
      /** One line saying what is wrong. */
      readonly summary: string;
      readonly findings: readonly Finding[];
      readonly warnings: readonly Finding[];
    }
  | { readonly status: 'skip'; readonly reason: string; readonly warnings: readonly Finding[] };

export interface CheckResult {
  readonly name: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly durationMs: number;
  /** Why a check failed (one line) or was skipped. */
  readonly reason: string | null;
  /** What failed, each precise enough to act on. */
  readonly findings: readonly Finding[];
  /** Worth knowing, did not fail the check. */
  readonly warnings: readonly Finding[];
}

export type AdvisorThreshold = 'warn' | 'error' | 'all' | 'off';

export interface VerifyOptions {
  /** Absolute path of the repo. */
  readonly root: string;
  /** PostgreSQL server to run the database checks on; null for the embedded engine. */
  readonly dbUrl: string | null;
  /** The time limit of every SQL statement verify runs (`--statement-timeout`); default 30 s. */
  readonly statementTimeoutMs?: number | undefined;
  readonly grants: readonly GrantMode[];
  readonly skip: readonly string[];
  readonly strict: boolean;
  readonly advisors: AdvisorThreshold;
  /** A Python interpreter with `supabase` installed, overriding the backend's `.venv`. */
  readonly python: string | null;
  readonly webDir?: string | undefined;
  readonly backendDir?: string | undefined;
  /** Aborted on SIGINT/SIGTERM/SIGHUP: checks stop early and temporary databases are dropped. */
  readonly signal?: AbortSignal | undefined;
}

export interface VerifyReport {
  readonly phase: string;
  readonly root: string;
  readonly engine: 'embedded' | 'postgres';
  readonly grants: readonly GrantMode[];
  readonly strict: boolean;
  readonly ok: boolean;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly checks: readonly CheckResult[];
  readonly summary: { readonly passed: number; readonly failed: number; readonly skipped: number };
  /** Path (relative to root) of the completion marker, written when every check that ran passed (at least one), else null. */
  readonly marker: string | null;
}

/** What every check may read: the repo as detected, where the phase's files live, the options. */
export interface RepoContext {
  readonly root: string;
  readonly facts: ProjectFacts;
  readonly layout: PhaseLayout;
  readonly options: VerifyOptions;
  /** The repo's files, each read once per run. */
  readonly texts: RepoTexts;
}
