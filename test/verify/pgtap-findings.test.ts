import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanups } from '../../src/verify/cleanup.js';
import { phase04 } from '../../src/verify/phase-04/index.js';
import type { CheckResult, VerifyReport } from '../../src/verify/types.js';
import { verifyPhase } from '../../src/verify/verify.js';
import { ADMIN_URL } from '../helpers/db-postgres.js';
import { copyRepo, generatedRepo, removeTempDirs, writeRepoFile } from './helpers/repo.js';

/**
 * The pgtap check, run in-process with `--db-url` on the local PostgreSQL 15, which has pgTAP (so
 * does CI): the generated tests pass; a failing assertion and a file that does not run fail the
 * check, each finding naming its file. Each run makes a temporary database per grant mode;
 * `cleanups` drops any that a failed run left.
 */
let good: string;
const cleanups = new Cleanups();

beforeAll(async () => {
  good = await generatedRepo();
});

afterAll(async () => {
  await cleanups.runAll();
  await removeTempDirs();
});

// seed stays: it runs before pgtap in a full run, and the tests see its rows.
const PGTAP_PATH_ONLY = ['files', 'schema', 'rls', 'advisors', 'typescript', 'python'];

function resultOf(report: VerifyReport, name: string): CheckResult {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name}`);
  return found;
}

/** A copy of the generated repo with `tests` added to supabase/tests/database, and its pgtap check. */
async function pgtapCheckWith(label: string, tests: Record<string, string>): Promise<CheckResult> {
  const repo = await copyRepo(good, label);
  for (const [name, sql] of Object.entries(tests)) await writeRepoFile(repo, `supabase/tests/database/${name}`, sql);
  const report = await verifyPhase(
    phase04,
    { root: repo, dbUrl: ADMIN_URL, grants: ['legacy', 'current'], skip: PGTAP_PATH_ONLY, strict: false, advisors: 'warn', python: null },
    cleanups,
  );
  expect(report.engine).toBe('postgres');
  expect(resultOf(report, 'migrations')).toMatchObject({ status: 'pass', findings: [] });
  expect(resultOf(report, 'seed')).toMatchObject({ status: 'pass', findings: [] });
  return resultOf(report, 'pgtap');
}

describe('the pgtap check on PostgreSQL with pgTAP', () => {
  it('passes the generated tests in both grant modes', async () => {
    const pgtap = await pgtapCheckWith('pgtap-unbroken', {});
    expect([pgtap.status, pgtap.reason]).toEqual(['pass', null]);
    expect(pgtap.findings).toEqual([]);
    // A mode that skipped would show here, the check still passing on the other.
    expect(pgtap.warnings).toEqual([]);
  });

  it('fails on a failing assertion, naming the file and quoting its not ok line with the diagnostics', async () => {
    const file = '05_arithmetic.test.sql';
    const pgtap = await pgtapCheckWith('pgtap-failing', {
      [file]: [
        'begin;',
        'select plan(2);',
        "select ok(true, 'the generated schema is there');",
        "select is(1 + 1, 3, 'one and one make three');",
        'select * from finish();',
        'rollback;',
        '',
      ].join('\n'),
    });
    expect([pgtap.status, pgtap.reason]).toEqual(['fail', '1 pgTAP file failed']);
    expect(pgtap.findings).toHaveLength(1);
    const [finding] = pgtap.findings;
    expect(finding!.location).toEqual({ file: `supabase/tests/database/${file}` });
    const lines = finding!.message.split('\n');
    expect(lines.slice(0, 2)).toEqual(['1 of 2 tests failed', 'not ok 2 - one and one make three']);
    expect(lines).toContainEqual(expect.stringMatching(/^#\s+have: 2$/));
    expect(lines).toContainEqual(expect.stringMatching(/^#\s+want: 3$/));
  });

  it('fails on files that do not run, naming each file, with the line when the server gives a position', async () => {
    const missingTable = '05_missing_table.test.sql';
    const runtimeError = '06_division.test.sql';
    const pgtap = await pgtapCheckWith('pgtap-erroring', {
      [missingTable]: [
        'begin;',
        'select plan(1);',
        '',
        "select is((select count(*)::int from public.no_such_table), 0, 'reads a table the migrations never made');",
        'rollback;',
        '',
      ].join('\n'),
      // Raised while executing: PostgreSQL reports no position for it.
      [runtimeError]: ['begin;', 'select plan(1);', "select is(1 / 0, 0, 'divides by zero');", 'rollback;', ''].join('\n'),
    });
    expect([pgtap.status, pgtap.reason]).toEqual(['fail', '2 pgTAP files failed']);
    expect(pgtap.findings).toEqual([
      {
        message: 'does not run: relation "public.no_such_table" does not exist',
        location: { file: `supabase/tests/database/${missingTable}`, line: 4 },
      },
      {
        message: 'does not run: division by zero',
        location: expect.objectContaining({ file: `supabase/tests/database/${runtimeError}` }),
      },
    ]);
  });
});
