/**
 * Splits a SQL script into top-level statements, each with where it starts and ends. Understands
 * quotes, dollar quoting, comments, and the semicolons psql does not end a statement at either:
 * inside parentheses (a rule's actions) and inside the `BEGIN ATOMIC … END` body of a function
 * or procedure (psql's own heuristic). Used to locate a failing statement, to send a large
 * file in batches of whole statements, and to tell the embedded engine's worker where the
 * statements of a script are (it runs them one by one in a transaction and does not split).
 */
export interface ScriptStatement {
  readonly sql: string;
  /** 0-based index of the statement's first character in the script (UTF-16 units). */
  readonly offset: number;
  /** Index just past the semicolon that ends it (the script's length for a last statement without one). */
  readonly end: number;
}

export function splitStatements(script: string): ScriptStatement[] {
  return [...statementsOf(script)];
}

/**
 * Where a script's statements are, flat: for each, its `offset` and the index just past its text
 * (`offset + sql.length`, before the semicolon), so `script.slice(a, b)` is its `sql`. Compact, and
 * sent to the embedded engine's worker as is.
 */
export type StatementRanges = Uint32Array;

/** Collects StatementRanges as statements are found (offsets relative to `base`). */
export class StatementRangesBuilder {
  private readonly bounds: number[] = [];

  add(statement: ScriptStatement, base = 0): void {
    this.bounds.push(statement.offset - base, statement.offset - base + statement.sql.length);
  }

  /** The ranges so far; the builder starts again empty. */
  take(): StatementRanges {
    const ranges = Uint32Array.from(this.bounds);
    this.bounds.length = 0;
    return ranges;
  }
}

export function statementRanges(script: string): StatementRanges {
  const ranges = new StatementRangesBuilder();
  for (const statement of statementsOf(script)) ranges.add(statement);
  return ranges.take();
}

/** The statements `ranges` (the script's StatementRanges) say it has, as statementsOf gives them, without splitting it again. */
export function* statementsIn(script: string, ranges: StatementRanges): Generator<ScriptStatement> {
  for (let i = 0; i < ranges.length; i += 2) {
    const offset = ranges[i]!;
    const textEnd = ranges[i + 1]!;
    // Only spaces are left out between a statement's text and its semicolon.
    let semicolon = textEnd;
    while (semicolon < script.length && isSpace(script.charCodeAt(semicolon))) semicolon += 1;
    yield { sql: script.slice(offset, textEnd), offset, end: Math.min(semicolon + 1, script.length) };
  }
}

/** The statements one at a time, so a large script is never held as an array of them. */
export function* statementsOf(script: string): Generator<ScriptStatement> {
  // Index of the statement's first token; comments and blank lines before it are not part of it.
  let start = -1;
  let parens = 0;
  let body = new AtomicBody();
  let i = 0;
  const length = script.length;
  while (i < length) {
    const ch = script.charCodeAt(i);
    const comment = commentEnd(script, i);
    if (comment !== -1) {
      i = comment;
      continue;
    }
    if (isSpace(ch)) {
      i += 1;
      continue;
    }
    if (ch === SEMICOLON && parens === 0 && body.depth === 0) {
      if (start !== -1) yield { sql: textOf(script, start, i), offset: start, end: i + 1 };
      start = -1;
      body = new AtomicBody();
      i += 1;
      continue;
    }
    if (start === -1) start = i;
    const quoted = quotedEnd(script, i);
    if (quoted !== -1) {
      i = quoted;
    } else if (isIdentifierStart(ch) && !isIdentifierPart(script.charCodeAt(i - 1))) {
      let end = i + 1;
      while (end < length && isIdentifierPart(script.charCodeAt(end))) end += 1;
      body.word(script, i, end, parens);
      i = end;
    } else {
      if (ch === OPEN_PAREN) parens += 1;
      else if (ch === CLOSE_PAREN && parens > 0) parens -= 1;
      i += 1;
    }
  }
  if (start !== -1) yield { sql: textOf(script, start, length), offset: start, end: length };
}

/**
 * A statement's text up to `to`, without the spaces before its end. Only PostgreSQL's spaces:
 * String.trim would also take a byte order mark, which the server reads as part of a word.
 */
function textOf(script: string, from: number, to: number): string {
  let end = to;
  while (end > from && isSpace(script.charCodeAt(end - 1))) end -= 1;
  return script.slice(from, end);
}

/**
 * The script with each comment (as statementsOf finds them: not inside a string, a quoted
 * identifier or a dollar quote) replaced by a space; everything else as written. With `bodies`,
 * the text of each dollar quote is read as code too (a DO block's or a function's body), and
 * loses its comments as well.
 */
export function withoutComments(script: string, { bodies = false }: { readonly bodies?: boolean } = {}): string {
  let kept = '';
  let from = 0;
  let i = 0;
  while (i < script.length) {
    // Straight to the next character that may begin a comment or a quote.
    MAY_OPEN.lastIndex = i;
    if (!MAY_OPEN.test(script)) break;
    i = MAY_OPEN.lastIndex - 1;
    const comment = commentEnd(script, i);
    if (comment !== -1) {
      kept += `${script.slice(from, i)} `;
      i = from = comment;
      continue;
    }
    const quoted = quotedEnd(script, i);
    if (bodies && quoted !== -1 && script.charCodeAt(i) === DOLLAR) {
      DOLLAR_TAG.lastIndex = i;
      const open = i + DOLLAR_TAG.exec(script)![0].length;
      const close = script.indexOf(script.slice(i, open), open);
      const end = close === -1 ? script.length : close;
      kept += script.slice(from, open) + withoutComments(script.slice(open, end), { bodies }) + script.slice(end, quoted);
      i = from = quoted;
      continue;
    }
    i = quoted === -1 ? i + 1 : quoted;
  }
  return kept + script.slice(from);
}

/** Where the comment that begins at `i` ends (past its newline), or -1 when none begins there. */
function commentEnd(script: string, i: number): number {
  const ch = script.charCodeAt(i);
  const next = script.charCodeAt(i + 1);
  if (ch === DASH && next === DASH) return indexOrEnd(script, '\n', i + 2);
  if (ch === SLASH && next === STAR) return skipBlockComment(script, i);
  return -1;
}

/**
 * Where the string, quoted identifier or dollar-quoted text that begins at `i` ends (past its
 * closing quote), or -1 when none begins there.
 */
function quotedEnd(script: string, i: number): number {
  const ch = script.charCodeAt(i);
  if (ch === QUOTE || ch === DOUBLE_QUOTE) return skipQuoted(script, i, ch);
  if (ch !== DOLLAR || isIdentifierPart(script.charCodeAt(i - 1))) return -1;
  DOLLAR_TAG.lastIndex = i;
  const tag = DOLLAR_TAG.exec(script)?.[0];
  if (!tag) return -1;
  const close = script.indexOf(tag, i + tag.length);
  return close === -1 ? script.length : close + tag.length;
}

/**
 * psql's heuristic (psqlscan.l): in a statement that begins CREATE [OR REPLACE] FUNCTION or
 * PROCEDURE, BEGIN opens a body that its END closes (CASE…END nests inside it), and semicolons
 * in between belong to the body.
 */
class AtomicBody {
  depth = 0;
  private readonly head: string[] = [];
  private routine = false;

  word(script: string, from: number, to: number, parens: number): void {
    if (this.head.length < 4) {
      this.head.push(to - from <= 9 ? script.slice(from, to).toLowerCase() : '');
      const [first, second, third, fourth] = this.head;
      this.routine = first === 'create' && (isRoutine(second) || (second === 'or' && third === 'replace' && isRoutine(fourth)));
    }
    if (!this.routine || parens > 0 || to - from > 5) return;
    const word = script.slice(from, to).toLowerCase();
    if (word === 'begin') this.depth += 1;
    else if (word === 'case' && this.depth > 0) this.depth += 1;
    else if (word === 'end' && this.depth > 0) this.depth -= 1;
  }
}

const isRoutine = (word: string | undefined) => word === 'function' || word === 'procedure';

/** 1-based line of a 0-based offset (UTF-16 units, as statements give them), without copying the text. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) line += 1;
  return line;
}

function indexOrEnd(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  return at === -1 ? text.length : at + needle.length;
}

/** Block comments nest in PostgreSQL. */
function skipBlockComment(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (ch === SLASH && next === STAR) {
      depth += 1;
      i += 2;
    } else if (ch === STAR && next === SLASH) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return text.length;
}

/** A doubled quote escapes itself; backslash escapes (E'…') are handled by skipping the next char. */
function skipQuoted(text: string, from: number, quote: number): number {
  const prefix = text.charCodeAt(from - 1);
  const escapes = quote === QUOTE && (prefix === 0x45 || prefix === 0x65) && !isIdentifierPart(text.charCodeAt(from - 2));
  let i = from + 1;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (escapes && ch === BACKSLASH) {
      i += 2;
    } else if (ch === quote) {
      if (text.charCodeAt(i + 1) === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return text.length;
}

/** A dollar-quote tag (`$$`, `$body$`) where `lastIndex` points; sticky, so the script is not copied. */
const DOLLAR_TAG = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;
/** What may begin a comment (-- or /*), a string, a quoted identifier or a dollar quote. */
const MAY_OPEN = /[-/'"$]/g;

const DASH = 0x2d;
const SLASH = 0x2f;
const STAR = 0x2a;
const SEMICOLON = 0x3b;
const QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const DOLLAR = 0x24;
const BACKSLASH = 0x5c;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;

/** PostgreSQL's whitespace (scan.l): space, tab, newline, carriage return, form feed, vertical tab. */
function isSpace(ch: number): boolean {
  return ch === 0x20 || (ch >= 0x09 && ch <= 0x0d);
}

/** Letters, `_` and any non-ASCII character start an identifier (scan.l's ident_start). */
function isIdentifierStart(ch: number): boolean {
  return (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x41 && ch <= 0x5a) || ch === 0x5f || ch >= 0x80;
}

/** ident_cont: digits and `$` too (NaN, before the script's start, is not one). */
function isIdentifierPart(ch: number): boolean {
  return isIdentifierStart(ch) || (ch >= 0x30 && ch <= 0x39) || ch === DOLLAR;
}
