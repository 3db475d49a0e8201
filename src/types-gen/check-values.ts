/**
 * Reads the value list out of a `CHECK (col IN ('a', 'b'))` constraint, as PostgreSQL prints it
 * back with `pg_get_constraintdef`:
 *   text:     CHECK ((col = ANY (ARRAY['a'::text, 'b'::text])))
 *   varchar:  CHECK (((col)::text = ANY ((ARRAY['a'::character varying, …])::text[])))
 *   one item: CHECK ((col = 'a'::text))
 * Anything else (ranges, NULL in the list, expressions, other columns) yields null: the column
 * keeps its plain type.
 */

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)`;
const TEXTUAL = String.raw`(?:text|character varying)`;
const COLUMN = String.raw`(?:\(${IDENT}\)::${TEXTUAL}|${IDENT})`;
const LITERAL = String.raw`'(?:[^']|'')*'::${TEXTUAL}`;
const LITERAL_LIST = String.raw`${LITERAL}(?:, ${LITERAL})*`;

const ANY_ARRAY = new RegExp(
  String.raw`^(${COLUMN}) = ANY \((?:ARRAY\[(${LITERAL_LIST})\]|\(ARRAY\[(${LITERAL_LIST})\]\)::${TEXTUAL}\[\])\)$`,
);
const SINGLE_VALUE = new RegExp(String.raw`^(${COLUMN}) = (${LITERAL})$`);
const LITERAL_GLOBAL = new RegExp(String.raw`'((?:[^']|'')*)'::${TEXTUAL}`, 'g');

export function allowedValuesFromCheck(definition: string, column: string): string[] | null {
  const body = stripOuterParens(definition.replace(/^CHECK /, '').replace(/ NOT VALID$/, ''));

  const anyMatch = ANY_ARRAY.exec(body);
  if (anyMatch) {
    const [, columnText, plainList, castList] = anyMatch;
    if (columnName(columnText ?? '') !== column) return null;
    return literalValues(plainList ?? castList ?? '');
  }

  const singleMatch = SINGLE_VALUE.exec(body);
  if (singleMatch) {
    const [, columnText, literal] = singleMatch;
    if (columnName(columnText ?? '') !== column) return null;
    return literalValues(literal ?? '');
  }

  return null;
}

/** Intersects the value lists of several constraints on one column, keeping the first's order. */
export function intersectAllowedValues(lists: readonly (readonly string[])[]): string[] | null {
  const [first, ...rest] = lists;
  if (!first) return null;
  return first.filter((value) => rest.every((list) => list.includes(value)));
}

function literalValues(list: string): string[] {
  const values: string[] = [];
  for (const match of list.matchAll(LITERAL_GLOBAL)) {
    values.push((match[1] ?? '').replaceAll("''", "'"));
  }
  return [...new Set(values)];
}

function columnName(text: string): string {
  const bare = text.startsWith('(') ? text.slice(1, text.indexOf(')::')) : text;
  return bare.startsWith('"') ? bare.slice(1, -1).replaceAll('""', '"') : bare;
}

/** Removes parentheses that wrap the whole expression, however many layers. */
function stripOuterParens(text: string): string {
  let current = text.trim();
  while (current.startsWith('(') && current.endsWith(')') && closesAtEnd(current)) {
    current = current.slice(1, -1).trim();
  }
  return current;
}

/** True when the parenthesis opened at index 0 is the one closed at the last index. */
function closesAtEnd(text: string): boolean {
  let depth = 0;
  let inString = false;
  let inIdent = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "'") inString = false;
      continue;
    }
    if (inIdent) {
      if (ch === '"') inIdent = false;
      continue;
    }
    if (ch === "'") inString = true;
    else if (ch === '"') inIdent = true;
    else if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0 && i < text.length - 1) return false;
    }
  }
  return depth === 0;
}
