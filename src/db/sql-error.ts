/**
 * A failed SQL statement, the same shape whichever engine ran it, so callers can report
 * `file:line: message` without knowing the driver.
 */
export class SqlError extends Error {
  constructor(
    message: string,
    /** SQLSTATE, e.g. `42501` (insufficient privilege); undefined when the driver gave none. */
    readonly code: string | undefined,
    /** 1-based character offset into the submitted SQL text, when the server reported one. */
    readonly position: number | undefined,
    readonly detail: string | undefined = undefined,
    readonly hint: string | undefined = undefined,
    /** Server-side context (e.g. the PL/pgSQL function and line that raised). */
    readonly where: string | undefined = undefined,
  ) {
    super(message);
    this.name = 'SqlError';
  }

  /** 1-based line of `position` in `sql`, or undefined when the error has no position. */
  lineIn(sql: string): number | undefined {
    return this.position === undefined ? undefined : lineOfPosition(sql, this.position);
  }
}

export const isSqlError = (value: unknown): value is SqlError => value instanceof SqlError;

/** SQLSTATE 57014: the statement was cancelled (here: it ran past its time limit). */
export const QUERY_CANCELED = '57014';

/** A cancelled statement as an error shows it: its first line, cut at 80 characters. */
function shownStatement(statement: string): string {
  const line = statement.trimStart().split('\n', 1)[0]!.trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/**
 * A statement cancelled past its time limit, as both engines report it: `message` naming the
 * statement at `at` of the SQL sent (UTF-16 indexes; its end, when known) by its first line, and
 * pointing at it as a server error's position would (1-based, in code points). `from`: the
 * error it replaces, whose other fields it keeps.
 */
export function cancelledStatementError(
  message: string,
  sql: string,
  at: { readonly offset: number; readonly end?: number },
  from?: Pick<SqlError, 'detail' | 'hint' | 'where'>,
): SqlError {
  const offset = Math.min(Math.max(at.offset, 0), sql.length);
  const position = [...sql.slice(0, offset)].length + 1;
  const statement = sql.slice(offset, at.end ?? sql.length);
  return new SqlError(`${message}: ${shownStatement(statement)}`, QUERY_CANCELED, position, from?.detail, from?.hint, from?.where);
}

/** SQLSTATE 42501: permission denied, or a row rejected by a row-level security policy. */
export const INSUFFICIENT_PRIVILEGE = '42501';

/** SQLSTATE 2BP01: e.g. DROP ROLE refused while a database still depends on the role. */
export const DEPENDENT_OBJECTS_STILL_EXIST = '2BP01';

/**
 * 1-based line of a 1-based character position. PostgreSQL counts positions in characters
 * (code points), not UTF-16 units, so surrogate pairs count once.
 */
export function lineOfPosition(sql: string, position: number): number {
  let line = 1;
  let seen = 0;
  for (const char of sql) {
    seen += 1;
    if (seen >= position) break;
    if (char === '\n') line += 1;
  }
  return line;
}

interface DriverError {
  message?: unknown;
  code?: unknown;
  position?: unknown;
  detail?: unknown;
  hint?: unknown;
  where?: unknown;
}

/** Turns a pg / PGlite error (both carry the protocol's ErrorResponse fields) into a SqlError. */
export function toSqlError(error: unknown): SqlError {
  if (error instanceof SqlError) return error;
  const e = (error ?? {}) as DriverError;
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const position = text(e.position);
  return new SqlError(
    text(e.message) ?? String(error),
    text(e.code),
    position === undefined ? undefined : Number(position),
    text(e.detail),
    text(e.hint),
    text(e.where),
  );
}
