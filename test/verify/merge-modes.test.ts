import { describe, expect, it } from 'vitest';
import { mergeModeOutcomes } from '../../src/verify/merge-modes.js';
import { failed, passed, skipped } from '../../src/verify/outcome.js';

describe('mergeModeOutcomes', () => {
  it('reports a finding seen in every grant mode once, untagged, and sums the time', () => {
    const merged = mergeModeOutcomes([
      { mode: 'legacy', durationMs: 10, value: failed('1 problem', [{ message: 'rls off on public.jobs' }]) },
      { mode: 'current', durationMs: 15, value: failed('1 problem', [{ message: 'rls off on public.jobs' }]) },
    ]);
    expect(merged).toEqual({ durationMs: 25, value: failed('1 problem', [{ message: 'rls off on public.jobs' }]) });
  });

  it('tags a failure that happens in one grant mode only', () => {
    const merged = mergeModeOutcomes([
      { mode: 'legacy', durationMs: 1, value: passed() },
      {
        mode: 'current',
        durationMs: 1,
        value: failed('permission denied', [{ message: 'service_role × jobs × insert: permission denied' }]),
      },
    ]);
    expect(merged.value).toEqual(
      failed('permission denied (current grants)', [{ message: '[current grants] service_role × jobs × insert: permission denied' }]),
    );
  });

  it('skips when every mode skipped for the same reason, and passes with a note when only some did', () => {
    expect(
      mergeModeOutcomes([
        { mode: 'legacy', durationMs: 0, value: skipped('no pgTAP') },
        { mode: 'current', durationMs: 0, value: skipped('no pgTAP') },
      ]).value,
    ).toEqual(skipped('no pgTAP'));
    expect(
      mergeModeOutcomes([
        { mode: 'legacy', durationMs: 0, value: passed() },
        { mode: 'current', durationMs: 0, value: skipped('needs migrations, which did not pass') },
      ]).value,
    ).toEqual(passed([{ message: 'skipped with current grants: needs migrations, which did not pass' }]));
  });

  it('passes a single mode through untouched', () => {
    const only = { mode: 'legacy' as const, durationMs: 7, value: failed('x', [{ message: 'y' }]) };
    expect(mergeModeOutcomes([only])).toEqual({ durationMs: 7, value: only.value });
  });
});
