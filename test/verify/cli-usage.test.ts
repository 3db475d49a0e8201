import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runCreateCli } from '../../src/cli/create-command.js';
import { runVerifyCli } from '../../src/cli/verify-command.js';

function captureIo(cwd = process.cwd()): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), isTTY: false, env: {}, cwd };
}

describe('verify-phase usage errors exit 2 with a one-line reason', () => {
  it('an unknown phase lists the known ones', async () => {
    const io = captureIo();
    expect(await runVerifyCli(['7'], io)).toBe(2);
    expect(io.err.join('')).toBe('verify-phase: unknown phase "7"; known phases: 04\n');
  });

  it.each([
    [['04', '--grants', 'newest'], '--grants: must be legacy, current or both'],
    [['04', '--advisors', 'loud'], '--advisors: must be warn, error, all or off'],
    [['04', '--db-url', 'mysql://x'], '--db-url: must be a postgres:// or postgresql:// URL'],
    [
      ['04', '--skip', 'files,lint'],
      '--skip: unknown check lint; phase 04 has: files, migrations, schema, rls, advisors, seed, pgtap, typescript, python',
    ],
  ])('%j', async (argv, message) => {
    const io = captureIo();
    expect(await runVerifyCli(argv, io)).toBe(2);
    expect(io.err.join('')).toBe(`verify-phase: ${message}\n`);
  });

  it('an unknown flag and a missing phase are usage errors', async () => {
    const unknownFlag = captureIo();
    expect(await runVerifyCli(['04', '--fast'], unknownFlag)).toBe(2);
    expect(unknownFlag.err.join('')).toMatch(/unknown option '--fast'/);
    const missing = captureIo();
    expect(await runVerifyCli([], missing)).toBe(2);
    expect(missing.err.join('')).toBe('verify-phase: which phase? known phases: 04 (e.g. verify-phase 04 .; see --help)\n');
  });

  it('as `create-saas-db verify`, messages and help name that command', async () => {
    const missing = captureIo();
    expect(await runCreateCli(['verify'], missing)).toBe(2);
    expect(missing.err.join('')).toBe(
      'create-saas-db verify: which phase? known phases: 04 (e.g. create-saas-db verify 04 .; see --help)\n',
    );
    const help = captureIo();
    expect(await runCreateCli(['verify', '--help'], help)).toBe(0);
    expect(help.out.join('')).toMatch(/^Usage: create-saas-db verify \[options\] <phase> \[dir\]/);
  });

  it('a directory that does not exist is a usage error', async () => {
    const io = captureIo('/');
    expect(await runVerifyCli(['4', 'no/such/repo/here'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/^verify-phase: \/no\/such\/repo\/here does not exist/);
  });

  it('--help prints the options and exit codes, and exits 0', async () => {
    const io = captureIo();
    expect(await runVerifyCli(['--help'], io)).toBe(0);
    const help = io.out.join('');
    for (const flag of ['--db-url', '--grants', '--skip', '--strict', '--advisors', '--json', '--junit']) expect(help).toContain(flag);
    expect(help).toContain(
      'Exit codes: 0 all checks passed, 1 a check failed, 2 usage error or an extension the repo creates missing on the --db-url server, 130 interrupted.',
    );
  });

  it('a --junit file that cannot be written is a usage error, after the report', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'verify-junit-'));
    try {
      const io = captureIo(dir);
      const skipAll = ['--skip', 'files,migrations,schema,rls,advisors,seed,pgtap,typescript,python'];
      expect(await runVerifyCli(['04', '.', ...skipAll, '--junit', 'missing/dir/verify.xml'], io)).toBe(2);
      expect(io.out.join('')).toContain('Phase 04 PASSED: 0 passed, 0 failed, 9 skipped');
      expect(io.err.join('')).toMatch(/^verify-phase: --junit: cannot write .*missing\/dir\/verify\.xml: ENOENT/);
      // Nothing was checked, so nothing is marked complete.
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
