import { describe, expect, it } from 'vitest';
import { shortLineDiff } from '../../src/types-gen/line-diff.js';

const lines = (n: number, prefix = 'line') => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

describe('shortLineDiff', () => {
  it('is empty for equal texts', () => {
    expect(shortLineDiff('a\nb\n', 'a\nb\n')).toEqual([]);
  });

  it('shows an added line under a hunk header, with two lines of context', () => {
    const onDisk = lines(10).join('\n');
    const expected = [...lines(5), 'new line', ...lines(10).slice(5)].join('\n');
    expect(shortLineDiff(expected, onDisk)).toEqual([
      '@@ -4,4 +4,5 @@',
      ' line 4',
      ' line 5',
      '+new line',
      ' line 6',
      ' line 7',
    ]);
  });

  it('shows a changed line as removed then added, and separates distant hunks', () => {
    const onDisk = lines(20);
    const expected = [...onDisk];
    expected[1] = 'changed 2';
    expected[17] = 'changed 18';
    const diff = shortLineDiff(expected.join('\n'), onDisk.join('\n'));
    expect(diff.slice(0, 6)).toEqual(['@@ -1,4 +1,4 @@', ' line 1', '-line 2', '+changed 2', ' line 3', ' line 4']);
    expect(diff[6]).toBe('@@ -16,5 +16,5 @@');
    expect(diff).toContain('-line 18');
    expect(diff).toContain('+changed 18');
  });

  it('caps its length and says how much it left out', () => {
    const diff = shortLineDiff(lines(200, 'new').join('\n'), lines(200, 'old').join('\n'), 10);
    expect(diff).toHaveLength(11);
    expect(diff[10]).toBe('… 391 more diff lines');
  });

  it('handles files too large to align line by line', () => {
    const diff = shortLineDiff(lines(3000, 'b').join('\n'), lines(3000, 'a').join('\n'), 4);
    expect(diff.slice(0, 3)).toEqual(['@@ -1,3000 +1,3000 @@', '-a 1', '-a 2']);
  });
});
