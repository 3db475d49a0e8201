import { firstLine } from '../../errors.js';
import { openPreparedEngine, openStandInWithoutGrantDefaults, resetSession } from '../../db/engine-cache.js';
import { createPostgresEngine, type EmbeddedSqlEngine, type ServerTimeLimits, type SqlEngine } from '../../db/engine.js';
import { installSupabaseStandIn } from '../../db/standin.js';
import { grantModeSql } from '../../emulation/install.js';
import { startServerRun, type ServerRun } from '../../db/standin-server-roles.js';
import { createThrowawayDatabase, DatabaseAccessError, isDatabaseAccessError } from '../../db/throwaway-database.js';
import { insideOuterTransaction } from '../../db/transaction.js';
import type { Cleanups } from '../cleanup.js';
import type { Finding, GrantMode, VerifyOptions } from '../types.js';
import type { DatabaseProvider, DatabaseSession, OpenOptions } from './session.js';
import { repoEmbeddedExtensions } from './repo-extensions.js';

/** A temporary database on the `--db-url` server, else the embedded engine. */
export function databaseProviderFor(options: VerifyOptions, cleanups: Cleanups): DatabaseProvider {
  return options.dbUrl
    ? postgresProvider(
        options.dbUrl,
        cleanups,
        options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs },
      )
    : embeddedProvider(() => repoEmbeddedExtensions(options.root));
}

/** Marks the start of a grant mode's transaction; rolling back to it proves the transaction is intact. */
const MODE_SAVEPOINT = 'verify_grant_mode';

/**
 * PGlite booted from the prepared image (see engine-cache). One engine serves every grant mode:
 * each mode is a transaction that sets the mode's default privileges, runs the checks and is
 * rolled back, and then the session state a rollback keeps is discarded. A session whose SQL
 * ended that transaction itself leaves the engine changed: it is dropped (the next shared
 * session boots a new one). `ownDatabase` boots an engine for the
 * session, as before. Engines load the extension modules `extensionsFor` names (asked once):
 * none for a repo that creates no extension PGlite runs for real.
 */
export function embeddedProvider(extensionsFor: () => Promise<readonly string[]> = async () => []): DatabaseProvider {
  let shared: EmbeddedSqlEngine | null = null;
  let sharedExtensions = '';
  let sharedInUse = false;
  let repoExtensions: Promise<readonly string[]> | null = null;
  // What the repo's migrations create, and what the checks of this mode need (pgTAP).
  const engineExtensions = async (options: OpenOptions) =>
    [...new Set([...(await (repoExtensions ??= extensionsFor())), ...(options.extensions ?? [])])].sort();
  return {
    async open(grants: GrantMode, options: OpenOptions = {}): Promise<DatabaseSession> {
      if (options.ownDatabase || sharedInUse) {
        const { engine } = await openPreparedEngine(grants, { extensions: await engineExtensions(options) });
        return { engine, grants, url: null, sharedEngine: false, close: () => engine.close() };
      }
      const extensions = await engineExtensions(options);
      if (shared && sharedExtensions !== extensions.join()) {
        await shared.close().catch(() => undefined);
        shared = null;
      }
      sharedExtensions = extensions.join();
      shared ??= (await openStandInWithoutGrantDefaults({ extensions })).engine;
      const engine = shared;
      try {
        await engine.exec(`begin; savepoint ${MODE_SAVEPOINT}; ${grantModeSql(grants)}`);
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
          const reusable =
            intact &&
            (await resetSession(engine).then(
              () => true,
              () => false,
            ));
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
 * and by the command layer's cleanups on SIGINT/SIGTERM. The emulation installs as the URL's
 * role; the repo's SQL runs on a connection of its own as a role with no more than a project's
 * postgres rights (see standin-server-roles), with a time limit on every statement.
 */
export function postgresProvider(adminUrl: string, cleanups: Cleanups, limits: ServerTimeLimits = {}): DatabaseProvider {
  let run: Promise<ServerRun> | null = null;
  let ended: ServerRun | null = null;
  // The run's roles go after its databases, whichever path (session close, interruption) drops them.
  const databaseDrops: Array<() => Promise<void>> = [];
  const afterDatabases = (end: () => Promise<void>) => async () => {
    await Promise.allSettled(databaseDrops.map((drop) => drop()));
    await end();
  };
  // The server's answer does not change between grant modes: ask once.
  let refused: unknown = null;
  return {
    async open(grants: GrantMode): Promise<DatabaseSession> {
      if (refused) throw refused;
      let database;
      let serverRun: ServerRun;
      try {
        run ??= startServerRun(adminUrl, limits, (end, label) => cleanups.add(afterDatabases(end), label));
        serverRun = await run;
        database = await createThrowawayDatabase(adminUrl, {
          registerDrop: (undo, name) => {
            const drop = cleanups.add(undo, `database ${name}`);
            databaseDrops.push(drop);
            return drop;
          },
        });
      } catch (error) {
        if (isDatabaseAccessError(error)) refused = error;
        throw error;
      }
      const drop = database.drop;
      let engine: SqlEngine | null = null;
      try {
        const installer = await createPostgresEngine(database.url, limits);
        try {
          await installSupabaseStandIn(installer, { grants });
          await serverRun.grantRights(installer);
        } finally {
          await installer.close();
        }
        engine = await createPostgresEngine(serverRun.userUrl(database.url), limits).catch((error: unknown) => {
          throw serverRun.runRole
            ? new DatabaseAccessError(
                'cannot-drop-rights',
                `cannot connect as the run's role ${serverRun.runRole} (the server's pg_hba.conf must let it log in with its password): ${firstLine(error)}`,
              )
            : error;
        });
      } catch (error) {
        await engine?.close();
        await drop();
        if (isDatabaseAccessError(error)) refused = error;
        throw error;
      }
      const opened = engine;
      return {
        engine: opened,
        grants,
        url: serverRun.userUrl(database.url),
        sharedEngine: false,
        installExtension: async (name: string) => {
          const installer = await createPostgresEngine(database.url, limits);
          try {
            await installer.exec(`create extension if not exists "${name.replace(/"/g, '""')}" with schema extensions`);
          } finally {
            await installer.close();
          }
        },
        async close() {
          await opened.close();
          await drop();
        },
      };
    },
    async close(): Promise<readonly Finding[]> {
      const started = await run?.catch(() => null);
      if (!started) return [];
      ended = started;
      return started.end().then(
        () => [],
        (error: unknown) => [{ message: firstLine(error) }],
      );
    },
    serverChanges: () => (ended?.serverChanges() ?? []).map((change) => ({ message: `the server changed during the run: ${change}` })),
  };
}
