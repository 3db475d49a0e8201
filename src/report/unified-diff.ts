export interface UnifiedDiffOptions {
  /** Keep at most this many lines of hunks and say how many were left out (for CI logs). */
  readonly maxLines?: number;
}

/**
 * A unified diff of two texts (line based, 3 lines of context, line endings ignored),
 * `--- a/path` / `+++ b/path`; empty when they are equal.
 */
export function unifiedDiff(path: string, before: string | null, after: string, options: UnifiedDiffOptions = {}): string {
  const a = before === null ? [] : splitLines(before);
  const b = splitLines(after);
  const hunks = toHunks(diffLines(a, b), 3);
  if (hunks.length === 0) return '';
  const header = [`--- ${before === null ? '/dev/null' : `a/${path}`}`, `+++ b/${path}`];
  return [...header, ...cap(hunks, options.maxLines)].join('\n') + '\n';
}

type Op = { kind: ' ' | '-' | '+'; line: string; aIndex: number; bIndex: number };

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function cap(lines: string[], maxLines: number | undefined): string[] {
  if (maxLines === undefined || lines.length <= maxLines) return lines;
  const hidden = lines.length - maxLines;
  return [...lines.slice(0, maxLines), `… ${hidden} more diff line${hidden === 1 ? '' : 's'}`];
}

/** Past this many cells the middle is shown as removed then added instead of aligned. */
const MAX_TABLE_CELLS = 4_000_000;

/**
 * Longest-common-subsequence diff of the lines between the common head and tail (a typical edit
 * keeps that table small). `aIndex`/`bIndex`: lines of each side consumed once the op is taken.
 */
function diffLines(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ops: Op[] = [];
  for (let k = 0; k < head; k++) ops.push({ kind: ' ', line: a[k]!, aIndex: k + 1, bIndex: k + 1 });
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  ops.push(...(midA.length * midB.length > MAX_TABLE_CELLS ? wholesale(midA, midB, head) : aligned(midA, midB, head)));
  for (let k = tail; k > 0; k--) {
    ops.push({ kind: ' ', line: a[a.length - k]!, aIndex: a.length - k + 1, bIndex: b.length - k + 1 });
  }
  return ops;
}

function aligned(a: string[], b: string[], offset: number): Op[] {
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', line: a[i++]!, aIndex: offset + i, bIndex: offset + ++j });
    // Removals before additions, as diff and git show a changed line.
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!))
      ops.push({ kind: '-', line: a[i++]!, aIndex: offset + i, bIndex: offset + j });
    else ops.push({ kind: '+', line: b[j++]!, aIndex: offset + i, bIndex: offset + j });
  }
  return ops;
}

function wholesale(a: string[], b: string[], offset: number): Op[] {
  return [
    ...a.map((line, k): Op => ({ kind: '-', line, aIndex: offset + k + 1, bIndex: offset })),
    ...b.map((line, k): Op => ({ kind: '+', line, aIndex: offset + a.length, bIndex: offset + k + 1 })),
  ];
}

function toHunks(ops: Op[], context: number): string[] {
  const out: string[] = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.kind === ' ') {
      k++;
      continue;
    }
    const start = Math.max(0, k - context);
    let end = k;
    let lastChange = k;
    while (end < ops.length && end - lastChange <= context * 2) {
      if (ops[end]!.kind !== ' ') lastChange = end;
      end++;
    }
    end = Math.min(ops.length, lastChange + context + 1);
    const slice = ops.slice(start, end);
    const aStart = slice.find((o) => o.kind !== '+')?.aIndex ?? 0;
    const bStart = slice.find((o) => o.kind !== '-')?.bIndex ?? 0;
    const aLen = slice.filter((o) => o.kind !== '+').length;
    const bLen = slice.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${aStart}${aLen === 1 ? '' : `,${aLen}`} +${bStart}${bLen === 1 ? '' : `,${bLen}`} @@`);
    for (const op of slice) out.push(`${op.kind}${op.line}`);
    k = end;
  }
  return out;
}
