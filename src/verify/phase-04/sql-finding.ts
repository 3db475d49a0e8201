import type { SqlError } from '../../db/sql-error.js';

/** The server's message with its detail and hint, as psql would show them. */
export function describeSqlError(error: SqlError): string {
  return [
    `ERROR: ${error.message}${error.code ? ` (SQLSTATE ${error.code})` : ''}`,
    ...(error.detail ? [`DETAIL: ${error.detail}`] : []),
    ...(error.hint ? [`HINT: ${error.hint}`] : []),
    ...(error.where ? [`CONTEXT: ${error.where}`] : []),
  ].join('\n');
}
