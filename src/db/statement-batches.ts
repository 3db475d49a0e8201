/**
 * A script sent as one simple query is parsed whole before its first statement runs: the server
 * holds every statement's parse tree at once, and the embedded engine's WASM heap grows to that
 * peak and never shrinks (a 20 MB file of inserts took it up by about 250 MB). Sent as batches of
 * whole statements, one after the other in the same transaction, the script does the same (the
 * Supabase CLI itself sends a migration statement by statement) with a peak bounded by the batch.
 *
 * Once a statement ends the transaction (a file's own COMMIT), the rest of the script stays one
 * batch: what follows then runs in the implicit transaction of one query, as it did before, and
 * a statement that refuses to run in one (VACUUM) is refused the same way.
 */
import { StatementRangesBuilder, statementsIn, statementsOf, type StatementRanges } from './split-statements.js';

/** About 1 MB of SQL: 4 MB batches peaked higher; 256 KB and 64 KB ones no lower, and took longer. */
export const BATCH_CHARS = 1 << 20;

export interface ScriptBatch {
  readonly sql: string;
  /** Index of the batch's first character in the script the caller split (UTF-16 units). */
  readonly offset: number;
  /** Where the batch's statements are in `sql`: found here, so that no engine splits the batch again. */
  readonly statements: StatementRanges;
}

const ENDS_TRANSACTION = /^(?:commit|end|abort|prepare\s+transaction|rollback(?!\s+(?:work\s+|transaction\s+)?to\b))\b/i;

/**
 * Cuts a file's SQL, run by run in file order (the runs between statements handled otherwise,
 * see extension-substitution), after the first statement that reaches `limit` characters, then
 * after the next, and so on. Every batch but a run's last ends just after a statement's
 * semicolon, and a run's batches together are the run. From the statement that ends the
 * transaction on, nothing is cut (its statements are still listed). A run whose statements were
 * found already (`found`) is not split again.
 */
export function statementBatcher(limit = BATCH_CHARS): (sql: string, offset: number, found?: StatementRanges) => ScriptBatch[] {
  let ended = false;
  return (sql, offset, found) => {
    const batches: ScriptBatch[] = [];
    const statements = new StatementRangesBuilder();
    let start = 0;
    for (const statement of found ? statementsIn(sql, found) : statementsOf(sql)) {
      statements.add(statement, start);
      if (ended) continue;
      if (ENDS_TRANSACTION.test(statement.sql)) {
        ended = true;
        continue;
      }
      if (statement.end - start < limit) continue;
      batches.push({ sql: sql.slice(start, statement.end), offset: offset + start, statements: statements.take() });
      start = statement.end;
    }
    if (start < sql.length) {
      batches.push({ sql: start === 0 ? sql : sql.slice(start), offset: offset + start, statements: statements.take() });
    }
    return batches;
  };
}
