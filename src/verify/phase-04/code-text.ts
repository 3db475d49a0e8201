/**
 * A TypeScript module read as text, without a compiler: its comments and the insides of its
 * strings, template literals and regular expressions blanked (spaces, newlines kept), so a search
 * finds code only, at the same offsets; the string literals kept apart, with where they are.
 * A reading that finds something here finds what the parser would; one that finds nothing may
 * have missed it (a division read as a regular expression, say), and asks the parser.
 */
export interface CodeText {
  readonly code: string;
  readonly strings: readonly { readonly start: number; readonly value: string }[];
}

const REGEX_AFTER = new Set('(,=:[!&|?{};+-*%<>~^'.split(''));
const REGEX_AFTER_WORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

export function codeText(source: string): CodeText {
  const out = source.split('');
  const strings: { start: number; value: string }[] = [];
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i += 1) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
  };
  // Open template literals, each with the brace depth of the `${` expression being read in it.
  const templates: number[] = [];
  let braces = 0;
  let last = '';
  let lastWord = '';
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = lineEnd(source, i);
      blank(i, end);
      i = end;
    } else if (c === '/' && next === '*') {
      const close = source.indexOf('*/', i + 2);
      const end = close === -1 ? n : close + 2;
      blank(i, end);
      i = end;
    } else if (c === '"' || c === "'") {
      const end = stringEnd(source, i + 1, c);
      strings.push({ start: i + 1, value: source.slice(i + 1, Math.max(i + 1, end - 1)) });
      blank(i + 1, end - 1);
      i = end;
      last = c;
      lastWord = '';
    } else if (c === '`' || (c === '}' && templates.length > 0 && braces === templates.at(-1))) {
      // A template's text, from its start or from the end of a `${…}` in it.
      if (c === '}') templates.pop();
      const { end, expression } = templateTextEnd(source, i + 1);
      blank(i + 1, expression ? end - 2 : end - 1);
      if (expression) templates.push(braces);
      i = end;
      last = '`';
      lastWord = '';
    } else if (c === '/' && (last === '' || REGEX_AFTER.has(last) || REGEX_AFTER_WORDS.has(lastWord))) {
      const close = regexClose(source, i + 1);
      if (close === -1) {
        last = c;
        lastWord = '';
        i += 1;
      } else {
        blank(i + 1, close);
        i = close + 1;
        while (i < n && /[a-z]/i.test(source[i]!)) i += 1;
        last = ')';
        lastWord = '';
      }
    } else if (/[A-Za-z_$0-9]/.test(c)) {
      let end = i + 1;
      while (end < n && /[\w$]/.test(source[end]!)) end += 1;
      lastWord = source.slice(i, end);
      last = 'a';
      i = end;
    } else {
      if (c === '{') braces += 1;
      else if (c === '}') braces -= 1;
      if (!/\s/.test(c)) {
        last = c;
        lastWord = '';
      }
      i += 1;
    }
  }
  // Inside a template still open at the end, nothing is code.
  if (templates.length > 0) return { code: out.join('').replace(/[^\r\n]/g, ' '), strings };
  return { code: out.join(''), strings };
}

function lineEnd(source: string, from: number): number {
  const end = source.indexOf('\n', from);
  return end === -1 ? source.length : end;
}

/** Just past the closing quote, or the end of the line for an unterminated string. */
function stringEnd(source: string, from: number, quote: string): number {
  for (let i = from; i < source.length; i += 1) {
    const c = source[i];
    if (c === '\\') i += 1;
    else if (c === quote) return i + 1;
    else if (c === '\n') return i;
  }
  return source.length;
}

/** Just past the closing backtick, or past the `${` that starts an expression in the text. */
function templateTextEnd(source: string, from: number): { end: number; expression: boolean } {
  for (let i = from; i < source.length; i += 1) {
    const c = source[i];
    if (c === '\\') i += 1;
    else if (c === '`') return { end: i + 1, expression: false };
    else if (c === '$' && source[i + 1] === '{') return { end: i + 2, expression: true };
  }
  return { end: source.length, expression: false };
}

/** Where a regular expression's closing slash is; -1 when there is none on the line (a division). */
function regexClose(source: string, from: number): number {
  let inClass = false;
  for (let i = from; i < source.length; i += 1) {
    const c = source[i];
    if (c === '\n') return -1;
    if (c === '\\') i += 1;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) return i;
  }
  return -1;
}

/** How many braces are open in `code` just before `offset`. */
export function braceDepthAt(code: string, offset: number): number {
  let depth = 0;
  for (let i = 0; i < offset; i += 1) {
    if (code[i] === '{') depth += 1;
    else if (code[i] === '}') depth -= 1;
  }
  return depth;
}

/**
 * Offsets of the calls of the plain identifier `name` (`name(…)`, `name<T>(…)`), not of a
 * method (`x.name(…)`), a declaration (`function name(…)`, `name(…) {`) or `new name(…)`.
 */
export function callsOf(code: string, name: string): number[] {
  const calls: number[] = [];
  const pattern = new RegExp(`(?<![\\w$.#])${name.replace(/\$/g, '\\$')}\\s*(?:<[^;{}()]*?>)?\\s*\\(`, 'g');
  for (const match of code.matchAll(pattern)) {
    const before = code.slice(0, match.index).trimEnd();
    if (/(?:\bfunction\s*\*?|\bnew|\bget|\bset|\basync|\bstatic|\?\.|\.)$/.test(before)) continue;
    const close = matchingParen(code, match.index + match[0].length - 1);
    if (close === -1) continue;
    const after = code.slice(close + 1).trimStart();
    if (after.startsWith('{') || after.startsWith(':') || after.startsWith('=>')) continue;
    calls.push(match.index);
  }
  return calls;
}

function matchingParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i += 1) {
    if (code[i] === '(') depth += 1;
    else if (code[i] === ')') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}
