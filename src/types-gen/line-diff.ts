/**
 * A short unified diff between two texts, for `types --check`: the changed lines with a little
 * context under `@@ -old +new @@` hunk headers (`-` on disk, `+` expected), capped so a large
 * drift stays readable in CI logs.
 */
export function shortLineDiff(expected: string, actual: string, maxLines = 40, context = 2): string[] {
  const ops = diffOps(actual.split('\n'), expected.split('\n'));
  const out: string[] = [];
  for (const hunk of hunks(ops, context)) {
    const removed = hunk.filter((op) => op.kind !== 'add');
    const added = hunk.filter((op) => op.kind !== 'remove');
    const first = hunk[0] as Op;
    out.push(`@@ -${first.aLine + 1},${removed.length} +${first.bLine + 1},${added.length} @@`);
    for (const op of hunk) out.push(`${op.kind === 'add' ? '+' : op.kind === 'remove' ? '-' : ' '}${op.text}`);
  }
  if (out.length > maxLines) {
    const hidden = out.length - maxLines;
    return [...out.slice(0, maxLines), `… ${hidden} more diff line${hidden === 1 ? '' : 's'}`];
  }
  return out;
}

/** Runs of operations around changes, each with up to `context` unchanged lines either side. */
function hunks(ops: readonly Op[], context: number): Op[][] {
  const changed = ops.map((op) => op.kind !== 'same');
  const result: Op[][] = [];
  let current: Op[] | null = null;
  ops.forEach((op, i) => {
    let near = false;
    for (let j = Math.max(0, i - context); j <= Math.min(ops.length - 1, i + context); j++) {
      if (changed[j]) near = true;
    }
    if (!near) {
      current = null;
      return;
    }
    if (!current) {
      current = [];
      result.push(current);
    }
    current.push(op);
  });
  return result;
}

type Op =
  | { kind: 'same'; text: string; aLine: number; bLine: number }
  | { kind: 'remove'; text: string; aLine: number; bLine: number }
  | { kind: 'add'; text: string; aLine: number; bLine: number };

const MAX_TABLE_CELLS = 4_000_000;

/** Past the table budget: every differing line on disk removed, every expected line added. */
function wholesale(a: readonly string[], b: readonly string[], head: number, tail: number): Op[] {
  const ops: Op[] = [];
  for (let k = 0; k < head; k++) ops.push({ kind: 'same', text: a[k]!, aLine: k, bLine: k });
  for (let k = head; k < a.length - tail; k++) ops.push({ kind: 'remove', text: a[k]!, aLine: k, bLine: head });
  for (let k = head; k < b.length - tail; k++) ops.push({ kind: 'add', text: b[k]!, aLine: a.length - tail, bLine: k });
  for (let k = 0; k < tail; k++) {
    ops.push({ kind: 'same', text: a[a.length - tail + k]!, aLine: a.length - tail + k, bLine: b.length - tail + k });
  }
  return ops;
}

/** Longest-common-subsequence line diff; types files are a few thousand lines at most. */
function diffOps(a: readonly string[], b: readonly string[]): Op[] {
  // Trim the common head and tail first so the table stays small for typical drifts.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;

  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const n = midA.length;
  const m = midB.length;
  if (n * m > MAX_TABLE_CELLS) return wholesale(a, b, head, tail);
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = midA[i] === midB[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }

  const ops: Op[] = [];
  for (let k = 0; k < head; k++) ops.push({ kind: 'same', text: a[k]!, aLine: k, bLine: k });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && midA[i] === midB[j]) {
      ops.push({ kind: 'same', text: midA[i]!, aLine: head + i, bLine: head + j });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // Removals first, as unified diffs show them.
      ops.push({ kind: 'remove', text: midA[i]!, aLine: head + i, bLine: head + j });
      i++;
    } else {
      ops.push({ kind: 'add', text: midB[j]!, aLine: head + i, bLine: head + j });
      j++;
    }
  }
  for (let k = 0; k < tail; k++) {
    const aLine = a.length - tail + k;
    const bLine = b.length - tail + k;
    ops.push({ kind: 'same', text: a[aLine]!, aLine, bLine });
  }
  return ops;
}
