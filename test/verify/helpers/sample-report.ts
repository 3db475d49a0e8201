import type { VerifyReport } from '../../../src/verify/types.js';

/** A report with one check in each state, a located finding and characters that need escaping. */
export function sampleReport(overrides: Partial<VerifyReport> = {}): VerifyReport {
  return {
    phase: '04',
    root: '/repo',
    engine: 'embedded',
    grants: ['legacy', 'current'],
    strict: false,
    ok: false,
    startedAt: '2026-11-25T10:00:00.000Z',
    durationMs: 1234.5,
    checks: [
      { name: 'files', title: "the phase's files exist", status: 'pass', durationMs: 3.2, reason: null, findings: [], warnings: [] },
      {
        name: 'migrations',
        title: 'every migration applies',
        status: 'fail',
        durationMs: 250,
        reason: '1 migration failed',
        findings: [
          {
            message: 'syntax error at or near "tabel" <&> 100%, done',
            location: { file: 'supabase/migrations/00003_broken.sql', line: 4 },
          },
        ],
        warnings: [{ message: 'ignored by the CLI', location: { file: 'supabase/migrations/notes.sql' } }],
      },
      {
        name: 'rls',
        title: 'the policy matrix holds',
        status: 'fail',
        durationMs: 10,
        reason: 'anon can read users',
        findings: [{ message: 'anon × users × select: expected denied' }],
        warnings: [],
      },
      {
        name: 'pgtap',
        title: 'pgTAP tests pass',
        status: 'skip',
        durationMs: 0,
        reason: 'pgTAP needs a PostgreSQL server',
        findings: [],
        warnings: [],
      },
    ],
    summary: { passed: 1, failed: 2, skipped: 1 },
    marker: null,
    ...overrides,
  };
}
