/**
 * A fresh database on an existing server, named `verify_<hex>`, for one run: migrations and
 * tests never touch the user's own databases.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { packageRoot } from '../package-root.js';
import { connectPostgres } from './engine.js';
import { INSUFFICIENT_PRIVILEGE, type SqlError, toSqlError } from './sql-error.js';
import { quoteIdent } from './sql-quote.js';

export interface ThrowawayDatabase {
  readonly name: string;
  /** The admin URL pointing at the new database. */
  readonly url: string;
  /** Drops the database, ending any session still connected to it. Safe to call twice. */
  drop(): Promise<void>;
}

export type DatabaseAccessProblem = 'unreachable' | 'cannot-create' | 'cannot-create-roles' | 'cannot-drop-rights' | 'cannot-match-roles';

/** The server could not be reached, or the role may not create what a run needs there. */
export class DatabaseAccessError extends Error {
  constructor(
    readonly problem: DatabaseAccessProblem,
    message: string,
    override readonly cause?: SqlError,
  ) {
    super(message);
    this.name = 'DatabaseAccessError';
  }
}

export const isDatabaseAccessError = (value: unknown): value is DatabaseAccessError => value instanceof DatabaseAccessError;

export interface ThrowawayDatabaseOptions {
  /**
   * A database to copy (CREATE DATABASE … TEMPLATE; nothing may be connected to it meanwhile),
   * instead of the server's default template. The copy also gets what CREATE DATABASE does not
   * take from its template: the settings scoped to that database, and its owner
   * (resources/server-run/copied-database.sql).
   */
  readonly template?: string;
  /**
   * Receives the database's drop before CREATE DATABASE is sent, so that an interruption while
   * it is in flight still drops the database; returns the drop the database will use (one that
   * also unregisters it, say).
   */
  readonly registerDrop?: (drop: () => Promise<void>, name: string) => () => Promise<void>;
}

export async function createThrowawayDatabase(adminUrl: string, options: ThrowawayDatabaseOptions = {}): Promise<ThrowawayDatabase> {
  const name = `verify_${randomBytes(6).toString('hex')}`;
  let existence: 'unknown' | 'none' = 'unknown';
  let creation: Promise<void> | null = null;
  let dropped = false;
  const dropDatabase = async (): Promise<void> => {
    // Run while CREATE DATABASE is in flight, a drop would find nothing and the database would
    // appear after it.
    await creation?.catch(() => undefined);
    if (dropped || existence === 'none') return;
    await withAdminClient(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
    dropped = true;
  };
  const drop = options.registerDrop?.(dropDatabase, name) ?? dropDatabase;
  creation = withAdminClient(adminUrl, async (client) => {
    try {
      await client.query(`create database ${name}${options.template ? ` template ${quoteIdent(options.template)}` : ''}`);
    } catch (error) {
      const sqlError = toSqlError(error);
      throw sqlError.code === INSUFFICIENT_PRIVILEGE
        ? new DatabaseAccessError(
            'cannot-create',
            `the role in the database URL may not create databases (needs CREATEDB): ${sqlError.message}`,
            sqlError,
          )
        : sqlError;
    }
  }).catch((error: unknown) => {
    // Refused or never sent: there is nothing to drop. Any other failure may come after the
    // server created it.
    if (isDatabaseAccessError(error)) existence = 'none';
    throw error;
  });
  const url = urlWithDatabase(adminUrl, name);
  try {
    await creation;
    if (options.template) await takeDatabaseState(url, options.template);
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
  return { name, url, drop };
}

async function takeDatabaseState(url: string, template: string): Promise<void> {
  const sql = readFileSync(path.join(packageRoot, 'resources', 'server-run', 'copied-database.sql'), 'utf8');
  await withAdminClient(url, async (client) => {
    await client.query(`select pg_catalog.set_config('verify.template', $1, false)`, [template]);
    await client.query(sql);
  });
}

/** Runs `fn` on a new connection to `adminUrl`, closed afterwards; an unreachable server is a DatabaseAccessError. */
export async function withAdminClient<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectPostgres(adminUrl).catch((error: unknown) => {
    const sqlError = toSqlError(error);
    throw new DatabaseAccessError('unreachable', `cannot connect to ${redactedUrl(adminUrl)}: ${sqlError.message}`, sqlError);
  });
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Same server, user and options; another database. */
export function urlWithDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** The URL without its password, for messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid database URL>';
  }
}
