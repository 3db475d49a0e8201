/**
 * supautils' table-ownership bypass on a `--db-url` temporary database. On a project, postgres
 * may create, alter and drop policies on some platform tables (storage.objects, auth.users…) and
 * drop triggers there without owning them: supautils runs those statements as its superuser.
 * Where the repo's SQL runs as the run's own role, such a statement goes to the function
 * resources/server-run/table-grants.sql installs, which runs it as a role of the run that is a
 * member of the tables' owners. Where the database has no such function (the URL's role runs
 * the SQL itself; a real project, whose supautils needs none), statements run as written.
 */
import type { SqlEngine } from './engine.js';
import { SqlError, toSqlError } from './sql-error.js';

const RUN_GRANTED = 'verify_supautils.run_granted(text, regclass, text, text)';

/** Whether the session may hand statements to the temporary database's table-grant function. */
export async function hasTableGrants(engine: SqlEngine): Promise<boolean> {
  if (engine.kind !== 'postgres') return false;
  const [row] = await engine.query<{ ok: boolean | null }>(
    `select pg_catalog.has_function_privilege(pg_catalog.to_regprocedure($1), 'EXECUTE') as ok`,
    [RUN_GRANTED],
  );
  return row?.ok === true;
}

/**
 * Runs one policy statement on `table` (`schema.table`, on the policy grant list), or one drop
 * trigger statement (drop-trigger list), as supautils would. The error is the statement's own,
 * without the function's context.
 */
export async function runWithTableGrant(engine: SqlEngine, grant: 'policy' | 'drop trigger', table: string, sql: string): Promise<void> {
  try {
    await engine.query(`select verify_supautils.run_granted($1, $2::regclass, $3, pg_catalog.current_setting('search_path'))`, [
      grant,
      table,
      sql,
    ]);
  } catch (error) {
    const e = toSqlError(error);
    throw new SqlError(e.message, e.code, undefined, e.detail, e.hint);
  }
}
