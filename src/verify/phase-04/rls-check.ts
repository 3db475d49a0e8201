import { runRlsMatrix, type RlsCaseResult } from '../../phase-04/rls-matrix.js';
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
    const results = await runRlsMatrix(db.engine);
    const findings = results.filter((r) => !r.pass).map(describeCase);
    return failIfAny((n) => `${plural(n, 'access rule')} of ${results.length} broken`, findings);
  },
};

function describeCase(result: RlsCaseResult): Finding {
  const detail = result.detail ? ` (${result.detail})` : '';
  return { message: `${result.name}: expected ${result.expected}, got ${result.actual}${detail}` };
}
