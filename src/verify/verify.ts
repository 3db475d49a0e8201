import { performance } from 'node:perf_hooks';
import { detectProject } from '../detect/index.js';
import { prestartEmbeddedEngine } from '../db/engine.js';
import { CliError } from '../errors.js';
import { phaseLayout } from '../phase-04/layout.js';
import type { Cleanups } from './cleanup.js';
import { databaseProviderFor } from './database/provider.js';
import { repoSqlOf } from './database/repo-scripts.js';
import { requireServerExtensions } from './database/server-extensions.js';
import { writeCompletionMarker } from './marker.js';
import type { PhaseDefinition } from './phase.js';
import { repoTexts } from './repo-texts.js';
import { runChecks } from './runner.js';
import type { CheckResult, RepoContext, VerifyOptions, VerifyReport } from './types.js';

/** What every check reads about the repo: its facts, the phase's layout in it, its SQL texts. */
export async function repoContextFor(options: VerifyOptions): Promise<RepoContext> {
  const facts = await detectProject(options.root, { webDir: options.webDir, backendDir: options.backendDir });
  if (!facts.exists) throw new CliError('target', `${options.root} does not exist: pass the repo to verify`);
  return { root: facts.root, facts, layout: phaseLayout(facts), options, texts: repoTexts() };
}

/**
 * Detects the repo, runs the phase's checks and, when every one passes, writes the phase's
 * completion marker. Temporary databases are registered with `cleanups` while they exist.
 */
export async function verifyPhase(phase: PhaseDefinition, options: VerifyOptions, cleanups: Cleanups): Promise<VerifyReport> {
  const startedAt = new Date();
  const start = performance.now();
  const usesDatabase = phase.checks.some((c) => c.scope === 'database' && !options.skip.includes(c.name));
  // The engine's thread gets ready while the repo is read.
  if (usesDatabase && !options.dbUrl) prestartEmbeddedEngine();
  const ctx = await repoContextFor(options);
  const { facts } = ctx;
  const sql = repoSqlOf(ctx);
  if (options.dbUrl && usesDatabase) await requireServerExtensions(options.dbUrl, sql);
  const checks = await runChecks(phase, ctx, databaseProviderFor(options, cleanups, sql));
  const summary = summarize(checks);
  const ok = summary.failed === 0 && !options.signal?.aborted;
  // The marker tells later phases this one works: a run that checked nothing proves nothing.
  const complete = ok && summary.passed > 0;
  if (complete) await writeCompletionMarker(facts.root, phase.markerFile, new Date());
  return {
    phase: phase.id,
    root: facts.root,
    engine: options.dbUrl ? 'postgres' : 'embedded',
    grants: options.grants,
    strict: options.strict,
    ok,
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - start,
    checks,
    summary,
    marker: complete ? phase.markerFile : null,
  };
}

function summarize(checks: readonly CheckResult[]): VerifyReport['summary'] {
  const count = (status: CheckResult['status']) => checks.filter((c) => c.status === status).length;
  return { passed: count('pass'), failed: count('fail'), skipped: count('skip') };
}
