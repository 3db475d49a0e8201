import { openPreparedEngine } from '../../db/engine-cache.js';
import { createPostgresEngine, type SqlEngine } from '../../db/engine.js';
import { installSupabaseStandIn } from '../../db/standin.js';
import { createThrowawayDatabase } from '../../db/throwaway-database.js';
import type { Cleanups } from '../cleanup.js';
import type { GrantMode, VerifyOptions } from '../types.js';
import type { DatabaseProvider, DatabaseSession } from './session.js';

/** A temporary database on the `--db-url` server, else the embedded engine. */
export function databaseProviderFor(options: VerifyOptions, cleanups: Cleanups): DatabaseProvider {
  return options.dbUrl ? postgresProvider(options.dbUrl, cleanups) : embeddedProvider();
}

/** PGlite booted from a prepared image (see engine-cache). */
export function embeddedProvider(): DatabaseProvider {
  return {
    async open(grants: GrantMode): Promise<DatabaseSession> {
      const { engine } = await openPreparedEngine(grants);
      return { engine, grants, url: null, close: () => engine.close() };
    },
  };
}

/**
 * A temporary `verify_*` database on the server for each grant mode: the database the URL names
 * is never touched. The database is dropped when the session closes, when preparing it fails,
 * and by the command layer's cleanups on SIGINT/SIGTERM.
 */
export function postgresProvider(adminUrl: string, cleanups: Cleanups): DatabaseProvider {
  return {
    async open(grants: GrantMode): Promise<DatabaseSession> {
      const database = await createThrowawayDatabase(adminUrl);
      const drop = cleanups.add(() => database.drop());
      let engine: SqlEngine | null = null;
      try {
        engine = await createPostgresEngine(database.url);
        await installSupabaseStandIn(engine, { grants });
      } catch (error) {
        await engine?.close();
        await drop();
        throw error;
      }
      const opened = engine;
      return {
        engine: opened,
        grants,
        url: database.url,
        async close() {
          await opened.close();
          await drop();
        },
      };
    },
  };
}
