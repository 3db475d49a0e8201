import { describe, expect, it } from 'vitest';
import { shortLineDiff } from '../../src/types-gen/line-diff.js';

const lines = (n: number, prefix = 'line') => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

describe('shortLineDiff', () => {
  it('is empty for equal texts', () => {
    expect(shortLineDiff('a\nb\n', 'a\nb\n')).toEqual([]);
  });

  it('shows an added line with its expected line number and two lines of context', () => {
    const onDisk = lines(10).join('\n');
    const expected = [...lines(5), 'new line', ...lines(10).slice(5)].join('\n');
    expect(shortLineDiff(expected, onDisk)).toEqual([
      '     4 | line 4',
      '     5 | line 5',
      '+    6 | new line',
      '     6 | line 6',
      '     7 | line 7',
    ]);
  });

  it('shows a changed line as removed then added, and separates distant hunks', () => {
    const onDisk = lines(20);
    const expected = [...onDisk];
    expected[1] = 'changed 2';
    expected[17] = 'changed 18';
    const diff = shortLineDiff(expected.join('\n'), onDisk.join('\n'));
    expect(diff).toContain('-    2 | line 2');
    expect(diff).toContain('+    2 | changed 2');
    expect(diff).toContain('@@');
    expect(diff.indexOf('-   18 | line 18')).toBeGreaterThan(diff.indexOf('@@'));
  });

  it('caps its length and says how much it left out', () => {
    const diff = shortLineDiff(lines(200, 'new').join('\n'), lines(200, 'old').join('\n'), 10);
    expect(diff).toHaveLength(11);
    expect(diff[10]).toBe('… 390 more diff lines');
  });

  it('handles files too large to align line by line', () => {
    const diff = shortLineDiff(lines(3000, 'b').join('\n'), lines(3000, 'a').join('\n'), 4);
    expect(diff.slice(0, 2)).toEqual(['-    1 | a 1', '-    2 | a 2']);
  });
});
