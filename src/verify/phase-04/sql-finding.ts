import type { MigrationError } from '../../db/apply-migrations.js';
import type { SqlError } from '../../db/sql-error.js';
import type { Finding } from '../types.js';

/** The server's message with its detail and hint, as psql would show them. */
export function describeSqlError(error: SqlError): string {
  return [
    `ERROR: ${error.message}${error.code ? ` (SQLSTATE ${error.code})` : ''}`,
    ...(error.detail ? [`DETAIL: ${error.detail}`] : []),
    ...(error.hint ? [`HINT: ${error.hint}`] : []),
    ...(error.where ? [`CONTEXT: ${error.where}`] : []),
  ].join('\n');
}

/** A file that did not apply, located at its failing line when known. */
export function migrationErrorFinding(error: MigrationError): Finding {
  return {
    message: describeSqlError(error.sqlError),
    location: { file: error.file, ...(error.line ? { line: error.line } : {}) },
  };
}
