/**
 * A test file as psql reads it: top-level SQL statements, each with its line, sorted into what
 * psql's autocommit mode (pg_prove's) treats apart: transaction control and everything else.
 * psql's own backslash commands are found, not run.
 */
import { splitStatements } from '../../db/split-statements.js';

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

export function parsePsqlScript(script: string): PsqlScript {
  const steps: ScriptStep[] = [];
  const metaCommands: MetaCommand[] = [];
  const lineStarts = lineStartOffsets(script);
  for (const { sql, offset } of splitStatements(script)) {
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
    steps.push({ kind: stepKind(body), sql: body, line: bodyLine });
  }
  return { steps, metaCommands };
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
