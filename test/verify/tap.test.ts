import { describe, expect, it } from 'vitest';
import { parseTap, tapVerdict } from '../../src/verify/phase-04/tap.js';

describe('parseTap', () => {
  it('passes a complete plan', () => {
    const summary = parseTap(['1..2', 'ok 1 - rls on users', 'ok 2 - policies']);
    expect(summary).toEqual({ planned: 2, run: 2, failures: [] });
    expect(tapVerdict(summary)).toBeNull();
  });

  it('collects a failure with its diagnostics', () => {
    const summary = parseTap([
      '1..2',
      'ok 1 - a',
      'not ok 2 - tier is locked\n# Failed test 2: "tier is locked"\n#     have: enterprise',
      '# Looks like you failed 1 test of 2',
    ]);
    expect(summary.failures).toEqual([
      'not ok 2 - tier is locked\n# Failed test 2: "tier is locked"\n#     have: enterprise\n# Looks like you failed 1 test of 2',
    ]);
    expect(tapVerdict(summary)).toBe('1 of 2 tests failed');
  });

  it('ignores TODO failures', () => {
    expect(tapVerdict(parseTap(['1..1', 'not ok 1 - later # TODO not yet']))).toBeNull();
  });

  it('fails a plan that ran fewer tests than planned, and a missing plan', () => {
    expect(tapVerdict(parseTap(['1..3', 'ok 1', 'ok 2']))).toBe('planned 3 tests but ran 2');
    expect(tapVerdict(parseTap(['ok 1']))).toMatch(/no plan/);
  });
});
