import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/report/unified-diff.js';

const lines = (n: number, prefix = 'line') => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);
/** The diff's lines after the `---`/`+++` header, from disk (`-`) to expected (`+`). */
const hunks = (onDisk: string, expected: string, maxLines?: number) =>
  unifiedDiff('f.ts', onDisk, expected, maxLines === undefined ? {} : { maxLines })
    .split('\n')
    .slice(2, -1);

describe('unifiedDiff', () => {
  it('is empty for equal texts, line endings ignored', () => {
    expect(unifiedDiff('f.ts', 'a\nb\n', 'a\nb\n')).toBe('');
    expect(unifiedDiff('f.ts', 'a\r\nb\r\n', 'a\nb\n')).toBe('');
  });

  it('names both sides, and /dev/null for a new file', () => {
    expect(unifiedDiff('f.ts', 'a\n', 'b\n')).toBe('--- a/f.ts\n+++ b/f.ts\n@@ -1 +1 @@\n-a\n+b\n');
    expect(unifiedDiff('f.ts', null, 'b\n')).toBe('--- /dev/null\n+++ b/f.ts\n@@ -0,0 +1 @@\n+b\n');
  });

  it('shows an added line under a hunk header, with three lines of context', () => {
    const onDisk = lines(10).join('\n');
    const expected = [...lines(5), 'new line', ...lines(10).slice(5)].join('\n');
    expect(hunks(onDisk, expected)).toEqual([
      '@@ -3,6 +3,7 @@',
      ' line 3',
      ' line 4',
      ' line 5',
      '+new line',
      ' line 6',
      ' line 7',
      ' line 8',
    ]);
  });

  it('shows a changed line as removed then added, and separates distant hunks', () => {
    const onDisk = lines(20);
    const expected = [...onDisk];
    expected[1] = 'changed 2';
    expected[17] = 'changed 18';
    const diff = hunks(onDisk.join('\n'), expected.join('\n'));
    expect(diff.slice(0, 7)).toEqual(['@@ -1,5 +1,5 @@', ' line 1', '-line 2', '+changed 2', ' line 3', ' line 4', ' line 5']);
    expect(diff[7]).toBe('@@ -15,6 +15,6 @@');
    expect(diff).toContain('-line 18');
    expect(diff).toContain('+changed 18');
  });

  it('caps its length when asked and says how much it left out', () => {
    const diff = hunks(lines(200, 'old').join('\n'), lines(200, 'new').join('\n'), 10);
    expect(diff).toHaveLength(11);
    expect(diff[10]).toBe('… 391 more diff lines');
  });

  it('handles files too large to align line by line', () => {
    const diff = hunks(lines(3000, 'a').join('\n'), lines(3000, 'b').join('\n'), 4);
    expect(diff.slice(0, 3)).toEqual(['@@ -1,3000 +1,3000 @@', '-a 1', '-a 2']);
  });
});
