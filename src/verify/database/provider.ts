import { openPreparedEngine, openStandInWithoutGrantDefaults, resetSession } from '../../db/engine-cache.js';
import { createPostgresEngine, type EmbeddedSqlEngine, type SqlEngine } from '../../db/engine.js';
import { grantDefaultsSql, installSupabaseStandIn } from '../../db/standin.js';
import { dropStandInRoles, missingStandInRoles } from '../../db/standin-server-roles.js';
import { createThrowawayDatabase, isDatabaseAccessError } from '../../db/throwaway-database.js';
import { insideOuterTransaction } from '../../db/transaction.js';
import type { Cleanups } from '../cleanup.js';
import { errorMessage } from '../timing.js';
import type { Finding, GrantMode, VerifyOptions } from '../types.js';
import type { DatabaseProvider, DatabaseSession, OpenOptions } from './session.js';

/** A temporary database on the `--db-url` server, else the embedded engine. */
export function databaseProviderFor(options: VerifyOptions, cleanups: Cleanups): DatabaseProvider {
  return options.dbUrl ? postgresProvider(options.dbUrl, cleanups) : embeddedProvider();
}

/** Marks the start of a grant mode's transaction; rolling back to it proves the transaction is intact. */
const MODE_SAVEPOINT = 'verify_grant_mode';

/**
 * PGlite booted from the prepared image (see engine-cache). One engine serves every grant mode:
 * each mode is a transaction that sets the mode's default privileges, runs the checks and is
 * rolled back, and then the session state a rollback keeps is discarded. A session whose SQL
 * ended that transaction itself leaves the engine changed: it is dropped (the next shared
 * session boots a new one). `ownDatabase` boots an engine for the
 * session, as before.
 */
export function embeddedProvider(): DatabaseProvider {
  let shared: EmbeddedSqlEngine | null = null;
  let sharedExtensions = '';
  let sharedInUse = false;
  return {
    async open(grants: GrantMode, options: OpenOptions = {}): Promise<DatabaseSession> {
      const extensions = [...new Set(options.extensions ?? [])].sort();
      if (options.ownDatabase || sharedInUse) {
        const { engine } = await openPreparedEngine(grants, { extensions });
        return { engine, grants, url: null, sharedEngine: false, close: () => engine.close() };
      }
      if (shared && sharedExtensions !== extensions.join()) {
        await shared.close().catch(() => undefined);
        shared = null;
      }
      sharedExtensions = extensions.join();
      shared ??= (await openStandInWithoutGrantDefaults({ extensions })).engine;
      const engine = shared;
      try {
        await engine.exec(`begin; savepoint ${MODE_SAVEPOINT}; ${grantDefaultsSql(grants)}`);
      } catch (error) {
        shared = null;
        await engine.close().catch(() => undefined);
        throw error;
      }
      sharedInUse = true;
      return {
        engine: insideOuterTransaction(engine),
        grants,
        url: null,
        sharedEngine: true,
        async close() {
          sharedInUse = false;
          const intact = await engine.exec(`rollback to savepoint ${MODE_SAVEPOINT}`).then(
            () => true,
            () => false,
          );
          await engine.exec('rollback').catch(() => undefined);
          const reusable = intact && (await resetSession(engine).then(() => true, () => false));
          if (!reusable && shared === engine) {
            shared = null;
            await engine.close().catch(() => undefined);
          }
        },
      };
    },
    async close() {
      const engine = shared;
      shared = null;
      await engine?.close().catch(() => undefined);
      return [];
    },
  };
}

/**
 * A temporary `verify_*` database on the server for each grant mode: the database the URL names
 * is never touched. The database is dropped when the session closes, when preparing it fails,
 * and by the command layer's cleanups on SIGINT/SIGTERM. The API roles the server lacks are
 * created with the first database and dropped after the last (see standin-server-roles).
 */
export function postgresProvider(adminUrl: string, cleanups: Cleanups): DatabaseProvider {
  let roleDrop: Promise<() => Promise<void>> | null = null;
  // The server's answer does not change between grant modes: ask once.
  let refused: unknown = null;
  return {
    async open(grants: GrantMode): Promise<DatabaseSession> {
      if (refused) throw refused;
      let database;
      try {
        roleDrop ??= registerRoleDrop(adminUrl, cleanups);
        await roleDrop;
        database = await createThrowawayDatabase(adminUrl, {
          registerDrop: (undo, name) => cleanups.add(undo, `database ${name}`),
        });
      } catch (error) {
        if (isDatabaseAccessError(error)) refused = error;
        throw error;
      }
      const drop = database.drop;
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
        sharedEngine: false,
        async close() {
          await opened.close();
          await drop();
        },
      };
    },
    async close(): Promise<readonly Finding[]> {
      const dropRoles = await roleDrop?.catch(() => null);
      if (!dropRoles) return [];
      return dropRoles().then(
        () => [],
        (error: unknown) => [{ message: errorMessage(error) }],
      );
    },
  };
}

/**
 * Registers, before any is created, the drop of the roles the server lacks (the first
 * database's stand-in creates them), so an interruption removes them too.
 */
async function registerRoleDrop(adminUrl: string, cleanups: Cleanups): Promise<() => Promise<void>> {
  const missing = await missingStandInRoles(adminUrl);
  if (missing.length === 0) return async () => undefined;
  return cleanups.add(() => dropStandInRoles(adminUrl, missing), `role ${missing.join(', ')}`);
}
