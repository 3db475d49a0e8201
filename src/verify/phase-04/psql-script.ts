/**
 * A test file as psql reads it: top-level SQL statements, each with its line, sorted into what
 * psql's autocommit mode (pg_prove's) treats apart: transaction control and everything else.
 * A `COPY … FROM STDIN` takes the lines after it, up to a line `\.`, as its data, as psql sends
 * them. psql's own backslash commands are found, not run.
 */
import { splitStatements, withoutComments } from '../../db/split-statements.js';

export type StepKind =
  /** BEGIN / START TRANSACTION. */
  | 'begin'
  /** COMMIT / END. */
  | 'commit'
  /** ROLLBACK / ABORT (not ROLLBACK TO SAVEPOINT). */
  | 'rollback'
  /** SAVEPOINT, RELEASE, ROLLBACK TO: only valid inside a transaction block. */
  | 'savepoint'
  | 'statement';

export interface ScriptStep {
  readonly kind: StepKind;
  readonly sql: string;
  /** 1-based line of the statement's first character. */
  readonly line: number;
  /** A `COPY … FROM STDIN`'s data: the file's lines after it, each with its newline, without the `\.` that ends them. */
  readonly copyData?: string;
}

export interface MetaCommand {
  /** `\set`, `\i`… */
  readonly command: string;
  readonly line: number;
}

export interface PsqlScript {
  readonly steps: readonly ScriptStep[];
  /** psql meta-commands in the file, in order. */
  readonly metaCommands: readonly MetaCommand[];
}

export function parsePsqlScript(text: string): PsqlScript {
  const steps: ScriptStep[] = [];
  const metaCommands: MetaCommand[] = [];
  const lineStarts = lineStartOffsets(text);
  const { script, copyData } = withCopyDataApart(text);
  for (const { sql, offset, end } of splitStatements(script)) {
    const line = lineAt(lineStarts, offset);
    const lines = sql.split('\n');
    // A backslash command runs to the end of its line; the splitter sees it as part of the next statement.
    let first = 0;
    while (first < lines.length && /^\s*\\/.test(lines[first]!)) {
      metaCommands.push({ command: /^\s*(\\\S*)/.exec(lines[first]!)![1]!, line: line + first });
      first += 1;
    }
    lines.slice(first).forEach((text, i) => {
      if (/^\s*\\[A-Za-z!?]/.test(text)) metaCommands.push({ command: /^\s*(\\\S*)/.exec(text)![1]!, line: line + first + i });
    });
    const body = lines.slice(first).join('\n').trim();
    if (body === '') continue;
    const bodyLine = line + first + leadingBlankLines(lines.slice(first));
    const data = copyData.get(end);
    steps.push({ kind: stepKind(body), sql: body, line: bodyLine, ...(data === undefined ? {} : { copyData: data }) });
  }
  return { steps, metaCommands };
}

/**
 * The script with the data of each `COPY … FROM STDIN` blanked out (every character but a
 * newline made a space: the statements after it keep their offsets and lines), and that data by
 * where its statement ends. The data begins on the line after the statement's end and runs to a
 * line `\.`, or to the end of the file.
 */
function withCopyDataApart(text: string): { script: string; copyData: Map<number, string> } {
  const copyData = new Map<number, string>();
  let script = text;
  let from = 0;
  for (;;) {
    const copy = splitStatements(script).find((s) => s.end > from && readsStdin(s.sql));
    if (!copy) return { script, copyData };
    const newline = script.indexOf('\n', copy.end);
    const start = newline === -1 ? script.length : newline + 1;
    const found = /^\\\.\r?$/m.exec(script.slice(start));
    const dataEnd = found ? start + found.index : script.length;
    const blankEnd = found ? dataEnd + found[0].length : script.length;
    copyData.set(copy.end, script.slice(start, dataEnd));
    script = script.slice(0, start) + script.slice(start, blankEnd).replace(/[^\n]/g, ' ') + script.slice(blankEnd);
    from = copy.end;
  }
}

/** A COPY statement that reads from the client: `COPY … FROM STDIN`. */
function readsStdin(sql: string): boolean {
  if (!/\bstdin\b/i.test(sql)) return false;
  return /^copy\b[\s\S]*\bfrom\s+stdin\b/i.test(withoutComments(sql).trim());
}

function stepKind(sql: string): StepKind {
  const words = sql
    .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
    .trim()
    .toLowerCase()
    .split(/\s+/);
  const [first, second] = words;
  if ((first === 'begin' && second !== 'atomic') || (first === 'start' && second === 'transaction')) return 'begin';
  if ((first === 'commit' || first === 'end') && second !== 'prepared') return 'commit';
  if (first === 'rollback' || first === 'abort') {
    if (second === 'to') return 'savepoint';
    if (second !== 'prepared') return 'rollback';
  }
  if (first === 'savepoint' || first === 'release') return 'savepoint';
  return 'statement';
}

function lineStartOffsets(script: string): number[] {
  const starts = [0];
  for (let i = script.indexOf('\n'); i !== -1; i = script.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

function leadingBlankLines(lines: readonly string[]): number {
  let n = 0;
  while (n < lines.length && lines[n]!.trim() === '') n += 1;
  return n;
}
