import { describe, expect, it } from 'vitest';
import { formatGithubAnnotations } from '../../src/verify/report/github.js';
import { formatHuman, SHOWN_PER_GROUP } from '../../src/verify/report/human.js';
import { formatJson } from '../../src/verify/report/json.js';
import { formatJunit } from '../../src/verify/report/junit.js';
import { verifyReportSchema } from '../../src/verify/report/schema.js';
import { parseXml } from './helpers/xml.js';
import { sampleReport } from './helpers/sample-report.js';

describe('human reporter', () => {
  it('prints one line per check with its symbol and duration, details under failures, and a summary', () => {
    const lines = formatHuman(sampleReport()).split('\n');
    expect(lines).toContain("✓ files          3 ms  the phase's files exist");
    expect(lines).toContain('✗ migrations   250 ms  every migration applies');
    expect(lines).toContain('    supabase/migrations/00003_broken.sql:4: syntax error at or near "tabel" <&> 100%, done');
    expect(lines).toContain('    warning: supabase/migrations/notes.sql: ignored by the CLI');
    expect(lines).toContain('– pgtap          0 ms  pgTAP tests pass');
    expect(lines).toContain('    skipped: pgTAP needs a PostgreSQL server');
    expect(lines).toContain('Phase 04 FAILED: 1 passed, 2 failed, 1 skipped in 1.2 s');
  });

  it('shows the first findings and warnings of a group and counts the rest, where the group ends; the rest stand alone', () => {
    const lint = (n: number, group: string) =>
      Array.from({ length: n }, (_, i) => ({ message: `rls_enabled_no_policy (info) on public.t${i + 1}`, group }));
    const many = "rls_enabled_no_policy (info) on the repo's own objects";
    const base = sampleReport();
    const report = {
      ...base,
      checks: base.checks.map((c) =>
        c.name === 'files'
          ? {
              ...c,
              warnings: [{ message: 'extension pg_cron is emulated' }, ...lint(2_000, many), { message: 'a last word' }],
              findings: lint(SHOWN_PER_GROUP + 1, 'six of a kind'),
            }
          : c,
      ),
    };
    const lines = formatHuman(report).split('\n');
    const start = lines.indexOf("✓ files          3 ms  the phase's files exist");
    expect(lines.slice(start + 1, start + 1 + SHOWN_PER_GROUP + 1 + SHOWN_PER_GROUP + 3)).toEqual([
      ...lint(SHOWN_PER_GROUP + 1, '').map((f) => `    ${f.message}`),
      '    warning: extension pg_cron is emulated',
      ...lint(SHOWN_PER_GROUP, '').map((f) => `    warning: ${f.message}`),
      `    warning: … and ${2_000 - SHOWN_PER_GROUP} more ${many} (--json lists every one)`,
      '    warning: a last word',
    ]);
    expect(lines.filter((line) => line.includes('public.t')).length).toBe(2 * SHOWN_PER_GROUP + 1);
    const json = verifyReportSchema.parse(JSON.parse(formatJson(report)));
    expect(json.checks[0]!.warnings).toHaveLength(2_002);
    expect(json.checks[0]!.warnings[1]).toEqual({ message: 'rls_enabled_no_policy (info) on public.t1', group: many });
  });

  it('names the marker on success', () => {
    const text = formatHuman(sampleReport({ ok: true, marker: '.scaffolding/.phase-04-complete' }));
    expect(text).toContain('Phase 04 PASSED');
    expect(text).toContain('Wrote .scaffolding/.phase-04-complete');
  });
});

describe('JSON reporter', () => {
  it('emits one document matching the report schema', () => {
    const parsed = verifyReportSchema.parse(JSON.parse(formatJson(sampleReport())));
    expect(parsed.checks.map((c) => [c.name, c.status])).toEqual([
      ['files', 'pass'],
      ['migrations', 'fail'],
      ['rls', 'fail'],
      ['pgtap', 'skip'],
    ]);
  });

  it('the schema rejects a document of another shape', () => {
    const report = JSON.parse(formatJson(sampleReport())) as Record<string, unknown>;
    expect(verifyReportSchema.safeParse({ ...report, checks: [{ name: 'x', status: 'maybe' }] }).success).toBe(false);
    expect(verifyReportSchema.safeParse({ ...report, extra: 1 }).success).toBe(false);
  });
});

describe('JUnit reporter', () => {
  it('is well-formed XML with one testcase per check, failure and skipped elements', async () => {
    const root = await parseXml(formatJunit(sampleReport()));
    expect(root.tag).toBe('testsuites');
    expect(root.attrib).toMatchObject({ tests: '4', failures: '2', skipped: '1', errors: '0', time: '1.234' });
    const suite = root.children[0]!;
    expect(suite.tag).toBe('testsuite');
    const cases = suite.children.filter((c) => c.tag === 'testcase');
    expect(cases.map((c) => c.attrib['name'])).toEqual(['files', 'migrations', 'rls', 'pgtap']);
    expect(cases[0]!.children).toEqual([]);
    const failure = cases[1]!.children[0]!;
    expect(failure.tag).toBe('failure');
    expect(failure.attrib['message']).toBe('1 migration failed');
    expect(failure.text).toContain('supabase/migrations/00003_broken.sql:4: syntax error at or near "tabel" <&> 100%, done');
    expect(cases[3]!.children[0]).toMatchObject({ tag: 'skipped', attrib: { message: 'pgTAP needs a PostgreSQL server' } });
  });
});

describe('GitHub Actions annotations', () => {
  it('annotates located findings with file and line, escaping data, and unlocated failures once', () => {
    const lines = formatGithubAnnotations(sampleReport(), undefined);
    expect(lines).toEqual([
      '::error file=supabase/migrations/00003_broken.sql,line=4,title=verify-phase 04 migrations::syntax error at or near "tabel" <&> 100%25, done',
      '::error title=verify-phase 04 rls::anon can read users%0Aanon × users × select: expected denied',
    ]);
  });

  it('makes paths relative to GITHUB_WORKSPACE when the repo is inside it', () => {
    const [first] = formatGithubAnnotations(sampleReport({ root: '/work/space/apps/site' }), '/work/space');
    expect(first).toMatch(/^::error file=apps\/site\/supabase\/migrations\/00003_broken.sql,line=4,/);
  });
});
