import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from './helpers/xml.js';
import { check, generatedRepo, removeTempDirs, runVerify, runVerifyJson, statusesOf, tempDir } from './helpers/repo.js';

let repo: string;

beforeAll(async () => {
  repo = await generatedRepo();
});

afterAll(removeTempDirs);

describe('verify-phase 04 on a freshly generated repo (embedded engine)', () => {
  it('passes every check, pgTAP on the embedded engine too, and writes the completion marker', async () => {
    const { exitCode, report, stderr } = await runVerifyJson(['04', repo]);
    expect(stderr).toBe('');
    expect(statusesOf(report)).toEqual({
      files: 'pass',
      migrations: 'pass',
      schema: 'pass',
      rls: 'pass',
      advisors: 'pass',
      seed: 'pass',
      pgtap: 'pass',
      typescript: 'pass',
      python: 'pass',
    });
    expect(exitCode).toBe(0);
    expect(report).toMatchObject({
      ok: true,
      engine: 'embedded',
      grants: ['legacy', 'current'],
      marker: '.scaffolding/.phase-04-complete',
    });
    const marker = await readFile(path.join(repo, '.scaffolding', '.phase-04-complete'), 'utf8');
    expect(marker).toMatch(/^Completed: \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\n$/);
  });

  it('prints one line per check and the summary, and writes JUnit XML on request', async () => {
    const junit = path.join(await tempDir('junit'), 'verify.xml');
    const { exitCode, stdout } = await runVerify(['4', repo, '--grants', 'current', '--skip', 'typescript,python', '--junit', junit]);
    expect(exitCode).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`verify-phase 04 · ${repo} · emulated Supabase (PostgreSQL 18 via PGlite), current grants`);
    for (const name of ['files', 'migrations', 'schema', 'rls', 'advisors', 'seed', 'pgtap']) {
      expect(lines.some((l) => new RegExp(`^✓ ${name} +\\d+(\\.\\d)? m?s  `).test(l))).toBe(true);
    }
    expect(lines).toContain('    skipped: skipped by --skip');
    expect(stdout).toMatch(/Phase 04 PASSED: 7 passed, 0 failed, 2 skipped in /);
    const suite = (await parseXml(await readFile(junit, 'utf8'))).children[0]!;
    expect(suite.children.filter((c) => c.tag === 'testcase').map((c) => [c.attrib['name'], c.children.map((x) => x.tag)])).toEqual([
      ['files', []],
      ['migrations', []],
      ['schema', []],
      ['rls', []],
      ['advisors', []],
      ['seed', []],
      ['pgtap', []],
      ['typescript', ['skipped']],
      ['python', ['skipped']],
    ]);
  });

  it('--strict fails a run that skipped a check', async () => {
    const { exitCode, report } = await runVerifyJson(['04', repo, '--strict', '--grants', 'legacy', '--skip', 'typescript,python']);
    expect(exitCode).toBe(1);
    expect(check(report, 'pgtap')).toMatchObject({ status: 'pass' });
    expect(check(report, 'typescript')).toMatchObject({
      status: 'fail',
      reason: 'skipped, which --strict does not allow: skipped by --skip',
    });
  });
});
