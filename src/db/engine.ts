/**
 * One interface over the two databases verify and the tests run on: the embedded engine
 * (PGlite, PostgreSQL compiled to WASM, in memory, in a worker thread: embedded-engine.ts) and a
 * real server reached by URL.
 */
import type pg from 'pg';
import { sendCopyFromStdin } from './copy-from-stdin.js';
import { QUERY_CANCELED, SqlError, toSqlError } from './sql-error.js';
import type { StatementRanges } from './split-statements.js';
import { runStepsPipelined, type PipelineSession } from './pipelined-steps.js';
import { runBatchesInTurn, type BatchesOptions, type BatchesRun, type SqlStep, type StepsRun } from './sql-steps.js';
import type { EmbeddedSqlEngine, EngineStop } from './embedded-engine.js';

export interface SqlEngine {
  readonly kind: 'embedded' | 'postgres';
  /**
   * Set when the session already runs inside a transaction its owner ends (see transaction.ts):
   * units of work then use savepoints.
   */
  readonly insideTransaction?: boolean;
  /**
   * Runs a script of many statements (simple query protocol); no parameters, no rows.
   * `statements`: where its statements are, when the caller split it already (statementRanges);
   * the embedded engine needs them and otherwise splits the script itself, a server does not.
   */
  exec(sql: string, statements?: StatementRanges): Promise<void>;
  /**
   * Runs one statement with `$1…` parameters and returns its rows. Values come back as the
   * drivers parse them; cast bigint/numeric to text or int in SQL when both engines must agree.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Runs steps in order up to the first that fails, then its undo (sql-steps.ts); the same
   * results as calling `exec`/`query` for each, each step under the statement time limit.
   * A step's failure is in the result; an engine that stops (time limit, signal) names the step
   * and keeps the rows of the steps before it.
   */
  runSteps(steps: readonly SqlStep[]): Promise<StepsRun>;
  /**
   * Runs batches of steps in one request, each as `runSteps` would; a batch's failure ends that
   * batch only, unless it could not be undone or `stopAtFailure` is set (sql-steps.ts
   * `endsTheRest`): the batches after it are then not run (null).
   */
  runBatches(batches: readonly (readonly SqlStep[])[], options?: BatchesOptions): Promise<BatchesRun>;
  close(): Promise<void>;
}

export type { BatchesOptions, BatchesRun, SqlStep, StepsRun } from './sql-steps.js';

export {
  createEmbeddedEngine,
  type EmbeddedEngineOptions,
  type EmbeddedSqlEngine,
  type EngineStop,
  type InitdbOptions,
  prestartEmbeddedEngine,
} from './embedded-engine.js';

/** Why an embedded engine stopped (the time limit, a signal, a crash), after which it runs nothing more; null while it runs, and for a server. */
export function stopOf(engine: SqlEngine): EngineStop | null {
  return engine.kind === 'embedded' ? (engine as EmbeddedSqlEngine).stopped : null;
}

/** Connects one client to an existing database; every call runs on that one session. */
export async function createPostgresEngine(url: string, limits: ServerTimeLimits = {}): Promise<SqlEngine> {
  const statementTimeoutMs = limits.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const client = await connectPostgres(url, { ...limits, statementTimeoutMs, pipeline: true });
  const { Query } = (await import('pg')).default;
  let closed = false;
  // One session runs one call at a time: callers that overlap (Promise.all over checks) are
  // queued here rather than handed to the driver together.
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(call: () => Promise<T>): Promise<T> => {
    const next = queue.then(call);
    queue = next.catch(() => undefined);
    return next;
  };
  const within = <T>(call: () => Promise<T>): Promise<T> => withStatementDeadline(client, url, statementTimeoutMs, call);
  // The driver settles a failed statement on its error, before the answer that gives the
  // session's transaction status: that status is known again once a statement succeeds.
  let statusKnown = true;
  const sent = (sql: string, params?: unknown[], copyData?: string) => {
    const answer =
      copyData !== undefined ? sendCopyFromStdin(Query, client, sql, copyData) : params ? client.query(sql, params) : client.query(sql);
    answer.then(
      () => (statusKnown = true),
      () => (statusKnown = false),
    );
    return answer;
  };
  const run = <T>(call: () => Promise<T>): Promise<T> => inTurn(() => within(call));
  const session: PipelineSession = {
    send(step) {
      refuseServerPrograms(step.sql);
      if (step.kind === 'exec') return sent(step.sql).then(() => []);
      if (step.copyData !== undefined) return sent(step.sql, undefined, step.copyData).then(() => []);
      return sent(step.sql, [...(step.params ?? [])]).then((result) => result.rows as Record<string, unknown>[]);
    },
    within,
    inTransactionBlock: () => statusKnown && client.getTransactionStatus() === 'T',
  };
  const runSteps = (steps: readonly SqlStep[]) => inTurn(() => runStepsPipelined(session, steps));
  const engine: SqlEngine = {
    kind: 'postgres',
    async exec(sql) {
      refuseServerPrograms(sql);
      await run(() => sent(sql));
    },
    async query<T>(sql: string, params: unknown[] = []) {
      refuseServerPrograms(sql);
      return (await run(() => sent(sql, params))).rows as T[];
    },
    runSteps,
    runBatches: (batches, options) => runBatchesInTurn(engine, batches, options, runSteps),
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => {});
    },
  };
  return engine;
}

/** How long a server may take; every connection and statement has a limit, so nothing hangs (the embedded engine's statements too). */
export interface ServerTimeLimits {
  /** Connecting, authenticating and the startup exchange; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** One statement (the server's statement_timeout, and a client-side deadline); default 30 s. */
  readonly statementTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

export { QUERY_CANCELED };

export const statementTimeoutMessage = (ms: number) =>
  `statement timeout: a statement ran longer than ${ms / 1000} s (--statement-timeout)`;

/**
 * Runs `call` under the statement limit. The server's statement_timeout ends most statements;
 * SQL may lift it (`set statement_timeout = 0`), so past the limit the backend is cancelled from
 * a connection of its own, then terminated if it does not stop. Either way the error says which
 * limit was hit.
 */
async function withStatementDeadline<T>(client: pg.Client, url: string, limitMs: number, call: () => Promise<T>): Promise<T> {
  let timedOut = false;
  const pid = (client as unknown as { processID: number | null }).processID;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopBackend(url, pid);
  }, limitMs + 1_000);
  try {
    return await call();
  } catch (error) {
    const sqlError = toSqlError(error);
    if (timedOut || (sqlError.code === QUERY_CANCELED && /statement timeout/.test(sqlError.message))) {
      throw new SqlError(statementTimeoutMessage(limitMs), QUERY_CANCELED, undefined, undefined, undefined, sqlError.where);
    }
    throw sqlError;
  } finally {
    clearTimeout(timer);
  }
}

async function stopBackend(url: string, pid: number | null): Promise<void> {
  if (pid === null) return;
  const other = await connectPostgres(url).catch(() => null);
  if (!other) return;
  try {
    await other.query('select pg_cancel_backend($1)', [pid]);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await other.query('select pg_terminate_backend($1)', [pid]);
  } catch {
    // Gone already.
  } finally {
    await other.end().catch(() => undefined);
  }
}

/**
 * `COPY … TO/FROM PROGRAM` runs a shell command on the database host: a project refuses it, and
 * the embedded engine would hang on it. Refused before the SQL is sent, on both engines.
 */
export function refuseServerPrograms(sql: string): void {
  if (/\bcopy\b[^;]*?\b(?:to|from)\s+program\b/i.test(sql)) {
    throw new SqlError(
      'COPY TO/FROM PROGRAM is not allowed on Supabase (it runs a shell command on the database server)',
      '42501',
      undefined,
    );
  }
}

/** A connected pg client, or a SqlError (and no open socket) when the server cannot be reached in time. */
export async function connectPostgres(
  url: string,
  limits: ServerTimeLimits & { applicationName?: string; pipeline?: boolean } = {},
): Promise<pg.Client> {
  // Loaded on use: importing pg costs tens of milliseconds that embedded runs would pay for nothing.
  const { Client } = (await import('pg')).default;
  const connectTimeoutMs = limits.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
    ...(limits.statementTimeoutMs ? { statement_timeout: limits.statementTimeoutMs } : {}),
    ...(limits.applicationName ? { application_name: limits.applicationName } : {}),
    // Each query still ends with its own Sync: sent together, they run as they would one by one.
    ...(limits.pipeline ? { pipeline: true } : {}),
  });
  // A dropped connection (e.g. DROP DATABASE … WITH (FORCE)) is reported by the next query;
  // without a listener the 'error' event would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    const message = error instanceof Error ? error.message : String(error);
    if (/timeout/i.test(message) && !(error as { code?: unknown }).code) {
      throw new SqlError(`no answer from the server within ${connectTimeoutMs / 1000} s (connect timeout)`, '08001', undefined);
    }
    throw toSqlError(error);
  }
}
