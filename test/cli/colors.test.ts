import { describe, expect, it } from 'vitest';
import { wantsColor } from '../../src/report/colors.js';

describe('when the report is in colour', () => {
  it.each([
    [{}, true, false, true],
    [{}, false, false, false],
    [{}, true, true, false],
    [{ NO_COLOR: '1' }, true, false, false],
    [{ NO_COLOR: '' }, true, false, true],
    [{ FORCE_COLOR: '1' }, false, false, true],
    [{ FORCE_COLOR: '0' }, true, false, false],
    [{ FORCE_COLOR: 'false' }, true, false, false],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, false, false],
    [{ FORCE_COLOR: '1' }, true, true, false],
  ])('env %j, stdout a terminal: %s, --json: %s → %s', (env, tty, json, expected) => {
    expect(wantsColor(env, tty, json)).toBe(expected);
  });
});
