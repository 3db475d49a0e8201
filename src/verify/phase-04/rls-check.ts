import { FIXTURE_CASE, matrixCases, ruleCases, runRlsMatrix, type RlsCaseResult } from '../../phase-04/rls-matrix.js';
import { phaseRoutineNamesIn } from '../../phase-04/routine-names.js';
import { failIfAny, plural } from '../outcome.js';
import type { DatabaseCheck } from '../phase.js';
import type { Finding } from '../types.js';

/**
 * Every API role against every table and operation, and the privilege rules (no tier
 * escalation, no forged jobs, sign-ups without an email), acting as PostgREST does; in a
 * transaction that is rolled back.
 */
export const rlsCheck: DatabaseCheck = {
  scope: 'database',
  name: 'rls',
  title: 'the role × table × operation matrix and the privilege rules hold',
  needs: ['migrations'],
  async run(_ctx, db) {
    const cases = [...matrixCases(), ...ruleCases(await phaseRoutineNamesIn(db.engine))];
    const violations = new Map(cases.map((c) => [c.name, c.violation]));
    const results = await runRlsMatrix(db.engine, cases);
    const findings = results.filter((r) => !r.pass).map((r) => describeCase(r, violations.get(r.name)));
    return failIfAny((n) => `${plural(n, 'access rule')} of ${results.length} broken`, findings);
  },
};

function describeCase(result: RlsCaseResult, violation: string | undefined): Finding {
  // Without users A and B nothing was checked: the reason they could not be created is the finding.
  if (result.name === FIXTURE_CASE) {
    return {
      message: `users A and B could not be signed up with one row per table, so no access rule was checked: ${result.detail ?? result.actual}`,
    };
  }
  const detail = result.detail ? ` (${result.detail})` : '';
  const why = violation ? ` — ${violation}` : '';
  return { message: `${result.name}: expected ${result.expected}, got ${result.actual}${detail}${why}` };
}
