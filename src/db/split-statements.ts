/**
 * Splits a SQL script into top-level statements, each with the offset it starts at. Understands
 * quotes, dollar quoting and comments; used only to locate a failing statement, so a rare
 * construct it splits wrongly (BEGIN ATOMIC bodies) costs a less precise line, nothing more.
 */
export interface ScriptStatement {
  readonly sql: string;
  /** 0-based index of the statement's first character in the script (UTF-16 units). */
  readonly offset: number;
}

export function splitStatements(script: string): ScriptStatement[] {
  const statements: ScriptStatement[] = [];
  // Index of the statement's first token; comments and blank lines before it are not part of it.
  let start = -1;
  let i = 0;
  while (i < script.length) {
    const ch = script[i] ?? '';
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      i = indexOrEnd(script, '\n', i + 2);
      continue;
    }
    if (ch === '/' && next === '*') {
      i = skipBlockComment(script, i);
      continue;
    }
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === ';') {
      if (start !== -1) statements.push({ sql: script.slice(start, i).trim(), offset: start });
      start = -1;
      i += 1;
      continue;
    }
    if (start === -1) start = i;
    if (ch === "'" || ch === '"') {
      i = skipQuoted(script, i, ch);
    } else if (ch === '$') {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(script)?.[0];
      if (tag && !/[A-Za-z0-9_]/.test(script[i - 1] ?? '')) {
        const close = script.indexOf(tag, i + tag.length);
        i = close === -1 ? script.length : close + tag.length;
      } else {
        i += 1;
      }
    } else {
      i += 1;
    }
  }
  if (start !== -1) statements.push({ sql: script.slice(start).trim(), offset: start });
  return statements;
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
    if (text.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (text.startsWith('*/', i)) {
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
function skipQuoted(text: string, from: number, quote: string): number {
  const escapes = quote === "'" && /[eE]/.test(text[from - 1] ?? '') && !/[A-Za-z0-9_]/.test(text[from - 2] ?? '');
  let i = from + 1;
  while (i < text.length) {
    if (escapes && text[i] === '\\') {
      i += 2;
    } else if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return text.length;
}

/** A dollar-quote tag (`$$`, `$body$`) where `lastIndex` points; sticky, so the script is not copied. */
const DOLLAR_TAG = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;
