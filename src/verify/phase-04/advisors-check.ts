import { isInformational, readTriggerFunctions, runAdvisors, type AdvisorFinding } from '../../db/advisors.js';
import type { SqlEngine } from '../../db/engine.js';
import { failIfAny, plural, skipped } from '../outcome.js';
import type { DatabaseCheck } from '../phase.js';
import type { AdvisorThreshold, Finding } from '../types.js';
import { EXPECTED_TABLES } from '../../phase-04/expected-schema.js';

/**
 * Supabase's database advisor lints, at Supabase's levels. The verdict covers the phase's
 * objects (its five tables with their policies, indexes and foreign keys, and the functions
 * their triggers and the sign-up triggers call): a finding there at WARN or ERROR fails
 * (`--advisors error`: ERROR only). Findings on the repo's own objects are listed and counted,
 * and fail only with `--advisors all`. INFO never fails. The lints that need a served workload
 * (unused_index, table_bloat) are left out: verify's database is freshly migrated.
 */
export const advisorsCheck: DatabaseCheck = {
  scope: 'database',
  name: 'advisors',
  title: "Supabase's database advisors find nothing on the phase's objects",
  needs: ['migrations'],
  async run(ctx, db) {
    const threshold = ctx.options.advisors;
    if (threshold === 'off') return skipped('turned off with --advisors off');
    // Verify's database was migrated a moment ago and has served no workload: every plain index
    // is "unused" and nothing is bloated, so those lints say nothing here and are not run.
    const findings = await runAdvisors(db.engine, { withoutWorkloadLints: true });
    const isPhase = await phaseScope(db.engine);
    const fails = (f: AdvisorFinding) => !isInformational(f.check) && levelFails(threshold, f) && (threshold === 'all' || isPhase(f));

    const failing = findings.filter(fails);
    const own = findings.filter((f) => !isPhase(f));
    const warnings: Finding[] = [
      ...(own.length > 0 && threshold !== 'all' ? [{ message: ownSummary(own) }] : []),
      ...findings.filter((f) => !fails(f)).map((f) => describeFinding(f, isPhase(f))),
    ];
    return failIfAny(
      (n) =>
        `${plural(n, 'advisor finding')}${threshold === 'error' ? ' at level ERROR' : ''}${threshold === 'all' ? '' : " on the phase's objects"}`,
      failing.map((f) => describeFinding(f, isPhase(f))),
      warnings,
    );
  },
};

function levelFails(threshold: AdvisorThreshold, finding: AdvisorFinding): boolean {
  return finding.level === 'ERROR' || (finding.level === 'WARN' && threshold !== 'error');
}

const PHASE_TABLES = Object.keys(EXPECTED_TABLES).map((table) => `public.${table}`);
/** The phase's sign-up and email-change functions: triggers on auth.users that write public.users. */
const WRITES_PHASE_USERS = /\b(insert\s+into|update)\s+(?:"?public"?\.)?(?:"users"|users(?![\w$]))/i;

/** Tells a finding on the phase's objects from one on the repo's own. */
async function phaseScope(engine: SqlEngine): Promise<(finding: AdvisorFinding) => boolean> {
  const triggers = await readTriggerFunctions(engine, [...PHASE_TABLES, 'auth.users']);
  const functions = new Set(
    triggers.filter((t) => t.table_name !== 'auth.users' || WRITES_PHASE_USERS.test(t.source)).map((t) => t.function_name),
  );
  return (finding) =>
    finding.objectType === 'function' ? functions.has(finding.object) : PHASE_TABLES.includes(`${finding.schema}.${finding.name}`);
}

function describeFinding(finding: AdvisorFinding, phase: boolean): Finding {
  const lint = `${finding.check} (${finding.level.toLowerCase()})`;
  if (phase) return { message: `${lint} on ${finding.object}: ${finding.message}` };
  // A large repo's own objects can draw a lint each (RLS without a policy on every table).
  return {
    message: `${lint} on ${finding.object} (the repo's own object): ${finding.message}`,
    group: `${lint} on the repo's own objects`,
  };
}

function ownSummary(own: readonly AdvisorFinding[]): string {
  const levels = (['ERROR', 'WARN', 'INFO'] as const)
    .map((level) => [level, own.filter((f) => f.level === level).length] as const)
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${n} ${level}`);
  return `${plural(own.length, 'advisor finding')} on the repo's own objects (${levels.join(', ')}): reported, failing only with --advisors all`;
}
