import { runAdvisors, type AdvisorFinding } from '../../db/advisors.js';
import { failIfAny, plural, skipped } from '../outcome.js';
import type { DatabaseCheck } from '../phase.js';
import type { Finding } from '../types.js';

/**
 * The classes of problem Supabase's database advisors report (RLS off, mutable search_path,
 * definer functions callable over the API, unindexed foreign keys…), each naming its table,
 * policy or function. Findings at or above `--advisors` (default `warn`) fail the check; the
 * others are reported as warnings.
 */
export const advisorsCheck: DatabaseCheck = {
  scope: 'database',
  name: 'advisors',
  title: "Supabase's database advisor checks find nothing",
  needs: ['migrations'],
  async run(ctx, db) {
    const threshold = ctx.options.advisors;
    if (threshold === 'off') return skipped('turned off with --advisors off');
    const findings = await runAdvisors(db.engine);
    const fails = (f: AdvisorFinding) => threshold === 'warn' || f.level === 'error';
    return failIfAny(
      (n) => `${plural(n, 'advisor finding')}${threshold === 'error' ? ' at level error' : ''}`,
      findings.filter(fails).map(describeFinding),
      findings.filter((f) => !fails(f)).map(describeFinding),
    );
  },
};

function describeFinding(finding: AdvisorFinding): Finding {
  return { message: `${finding.check} (${finding.level}) on ${finding.object}: ${finding.message}` };
}
