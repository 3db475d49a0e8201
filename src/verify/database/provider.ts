import { availableParallelism, totalmem } from 'node:os';
import { firstLine } from '../../errors.js';
import {
  engineCopyInNewSession,
  openPreparedEngine,
  openStandInWithoutGrantDefaults,
  resetSession,
  type EngineLimits,
} from '../../db/engine-cache.js';
import { createPostgresEngine, type EmbeddedSqlEngine, type ServerTimeLimits, type SqlEngine } from '../../db/engine.js';
import { keepsDataOnDisk } from '../../db/engine-data-dir.js';
import { IMAGE_MODULE_EXTENSIONS } from '../../emulation/extensions.js';
import { grantModeSql, installEmulation } from '../../emulation/install.js';
import { startServerRun, type ServerRun } from '../../db/standin-server-roles.js';
import {
  createThrowawayDatabase,
  DatabaseAccessError,
  isDatabaseAccessError,
  withAdminClient,
  type ThrowawayDatabase,
} from '../../db/throwaway-database.js';
import { quoteIdent } from '../../db/sql-quote.js';
import { insideOuterTransaction } from '../../db/transaction.js';
import type { Cleanups } from '../cleanup.js';
import type { Finding, GrantMode, VerifyOptions } from '../types.js';
import type { DatabaseProvider, DatabaseSession, OpenOptions } from './session.js';
import { repoEmbeddedExtensions } from './repo-extensions.js';
import { repoScripts, type RepoSql } from './repo-scripts.js';
import { repoChangesServerState } from './server-wide-sql.js';

/** A temporary database on the `--db-url` server, else the embedded engine. */
export function databaseProviderFor(options: VerifyOptions, cleanups: Cleanups, sql: RepoSql): DatabaseProvider {
  return options.dbUrl
    ? postgresProvider(
        options.dbUrl,
        cleanups,
        options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs },
        options.grants.length,
        async () => !(await repoChangesServerState(sql)),
      )
    : embeddedProvider(
        () => repoEmbeddedExtensions(sql),
        {
          ...(options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs }),
          signal: options.signal,
        },
        async () => keepsDataOnDisk(await repoScripts(sql, { tests: true })),
        thisMachine(),
      );
}

/** What the embedded provider asks of the machine before running two engines at once. */
export interface Machine {
  readonly cores: number;
  /** The memory the process may use: its container's limit, else the machine's. */
  readonly memoryBytes: number;
}

/**
 * Two engines with 2,000 small migrations each peaked at about 0.7 GB together. A machine sold
 * with 2 GiB reports a little less (the kernel's share).
 */
const MEMORY_FOR_ENGINES_SIDE_BY_SIDE = 1.75 * 2 ** 30;

function thisMachine(): Machine {
  const limit = process.constrainedMemory?.() ?? 0;
  return { cores: availableParallelism(), memoryBytes: limit > 0 ? Math.min(limit, totalmem()) : totalmem() };
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
 * none for a repo that creates no extension PGlite runs for real, and keep their data on disk
 * when `dataOnDisk` says so (asked once). A statement past the time limit stops its engine; the
 * same SQL would run past it again, so the provider then asks for no more (`stopReason`).
 * Modes that each have an engine of their own run side by side when the machine has a core for
 * each and the memory for two engines (`machine`): each engine is a thread whose SQL keeps a
 * core busy, and a few hundred MB for a repo of that size.
 */
export function embeddedProvider(
  extensionsFor: () => Promise<readonly string[]> = async () => [],
  runLimits: EngineLimits = {},
  dataOnDisk: () => Promise<boolean> = async () => false,
  machine: Machine = { cores: 1, memoryBytes: 0 },
): DatabaseProvider {
  let shared: EmbeddedSqlEngine | null = null;
  let timedOut: GrantMode | null = null;
  const noteStop = (engine: EmbeddedSqlEngine, grants: GrantMode) => {
    if (engine.stopped === 'statement-timeout') timedOut ??= grants;
  };
  let sharedExtensions = '';
  let sharedInUse = false;
  let repoExtensions: Promise<readonly string[]> | null = null;
  let engineLimits: Promise<EngineLimits> | null = null;
  const limitsOf = (): Promise<EngineLimits> =>
    (engineLimits ??= dataOnDisk().then((onDisk) => ({ ...runLimits, dataOnDisk: runLimits.dataOnDisk ?? onDisk })));
  // What the repo's migrations create, and what the checks of this mode need (pgTAP).
  const engineExtensions = async (options: OpenOptions) =>
    [...new Set([...(await (repoExtensions ??= extensionsFor())), ...(options.extensions ?? [])])].sort();
  return {
    concurrentModes: async ({ ownDatabases }) =>
      ownDatabases && machine.cores >= 2 && machine.memoryBytes >= MEMORY_FOR_ENGINES_SIDE_BY_SIDE,
    async open(grants: GrantMode, options: OpenOptions = {}): Promise<DatabaseSession> {
      const ownEngine = options.ownDatabase || sharedInUse;
      const limits = await limitsOf();
      if (ownEngine) {
        // A mode that needs a database of its own (a confirmation, many migrations) is followed by
        // modes that do too: an idle shared engine would only hold its memory.
        if (options.ownDatabase && shared && !sharedInUse) {
          const idle = shared;
          shared = null;
          await idle.close().catch(() => undefined);
        }
        // A database of its own confirms a failure (or runs what the shared engine cannot): it
        // loads the modules of the image's extensions too, as a project has them, so that a call
        // the scan cannot see (a function name assembled at run time) does not fail there.
        const modules = options.ownDatabase ? IMAGE_MODULE_EXTENSIONS : [];
        const extensions = [...new Set([...(await engineExtensions(options)), ...modules])].sort();
        // Its files commit one by one, on it and on the copies a new session is made from.
        const ownLimits = { ...limits, commitsFileByFile: true };
        const { engine } = await openPreparedEngine(grants, { extensions, limits: ownLimits });
        const sessionOn = (on: EmbeddedSqlEngine): DatabaseSession => ({
          engine: on,
          grants,
          url: null,
          sharedEngine: false,
          newSession: async () => sessionOn(await engineCopyInNewSession(on, { extensions, limits: ownLimits })),
          close: () => {
            noteStop(on, grants);
            return on.close();
          },
        });
        return sessionOn(engine);
      }
      const extensions = await engineExtensions(options);
      if (shared && sharedExtensions !== extensions.join()) {
        await shared.close().catch(() => undefined);
        shared = null;
      }
      sharedExtensions = extensions.join();
      shared ??= (await openStandInWithoutGrantDefaults({ extensions, limits })).engine;
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
          noteStop(engine, grants);
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
    stopReason: () => timedOut && `not run: a statement ran past --statement-timeout with ${timedOut} grants`,
  };
}

/**
 * A temporary `verify_*` database on the server for each grant mode: the database the URL names
 * is never touched. The emulation is installed once, as the URL's role, in the first mode's
 * database; the other modes' databases are copies of it made before it is used (see
 * createThrowawayDatabase's `template`), or, when copying fails, installed like the first. The
 * modes run side by side, each on its own database and connections, unless `sideBySide` says the
 * repo's SQL changes what the server's databases share (roles).
 * Databases are dropped when their session closes (without waiting: the run's end waits),
 * when preparing them fails, and by the command layer's cleanups on SIGINT/SIGTERM/SIGHUP. The repo's
 * SQL runs on a connection of its own as a role with no more than a project's postgres rights
 * (see standin-server-roles), with a time limit on every statement. `modes`: how many grant
 * modes the run opens.
 */
export function postgresProvider(
  adminUrl: string,
  cleanups: Cleanups,
  limits: ServerTimeLimits = {},
  modes = 1,
  sideBySide: () => Promise<boolean> = async () => true,
): DatabaseProvider {
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
  const create = (template?: string) =>
    createThrowawayDatabase(adminUrl, {
      ...(template ? { template } : {}),
      registerDrop: (undo, name) => {
        const drop = cleanups.add(undo, `database ${name}`);
        databaseDrops.push(drop);
        return drop;
      },
    });
  // Copies of the first database, one per later mode; null where copying failed.
  let copies: Array<ThrowawayDatabase | null> | null = null;
  // The first database's install, which the modes opened beside it wait for: their copies come from it.
  let firstInstall: Promise<ThrowawayDatabase> | null = null;
  // What a mode writes that belongs to the server, not to its database (the emulation's roles and
  // role settings, the run role's memberships), one mode at a time: two at once collide.
  let serverWrites: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(write: () => Promise<T>): Promise<T> => {
    const next = serverWrites.then(write);
    serverWrites = next.catch(() => undefined);
    return next;
  };

  /** A database with the emulation installed (once `started` made the run's roles), no grant mode yet. */
  async function emulatedDatabase(started: Promise<ServerRun>): Promise<ThrowawayDatabase> {
    if (firstInstall) {
      await firstInstall.catch(() => undefined);
      if (refused) throw refused;
    }
    const copy = copies?.shift();
    if (copy) return copy;
    const installed = installedDatabase(started);
    if (!firstInstall) {
      firstInstall = installed;
      installed.catch((error: unknown) => {
        if (isDatabaseAccessError(error)) refused ??= error;
      });
    }
    return installed;
  }

  async function installedDatabase(started: Promise<ServerRun>): Promise<ThrowawayDatabase> {
    const database = await create();
    try {
      const { runRole } = await started;
      await inTurn(() => withEngine(database.url, limits, (installer) => installEmulation(installer, { loginRoles: false })));
      if (copies !== null) return database;
      // Made now, while nothing is connected to it; copying fails for want of rights, say. A copy
      // belongs to the run's role at once: a run killed before using it leaves a database the
      // next run recognises as a dead run's and drops.
      const ownedByRun = async (copy: ThrowawayDatabase): Promise<ThrowawayDatabase> => {
        if (runRole) {
          await withAdminClient(adminUrl, (client) =>
            client.query(`alter database ${quoteIdent(copy.name)} owner to ${quoteIdent(runRole)}`),
          );
        }
        return copy;
      };
      const made: Array<ThrowawayDatabase | null> = (copies = []);
      made.push(
        ...(await Promise.all(
          Array.from({ length: modes - 1 }, () =>
            create(database.name)
              .then(ownedByRun)
              .catch(() => null),
          ),
        )),
      );
    } catch (error) {
      await database.drop();
      throw error;
    }
    return database;
  }

  return {
    concurrentModes: sideBySide,
    async open(grants: GrantMode): Promise<DatabaseSession> {
      if (refused) throw refused;
      run ??= startServerRun(adminUrl, limits, (end, label) => cleanups.add(afterDatabases(end), label));
      // The database is created while the run makes its roles; the emulation needs them.
      const [started, made] = await Promise.allSettled([run, emulatedDatabase(run)]);
      if (started.status === 'rejected' || made.status === 'rejected') {
        if (made.status === 'fulfilled') await made.value.drop().catch(() => undefined);
        const failure: unknown = started.status === 'rejected' ? started.reason : (made as PromiseRejectedResult).reason;
        if (isDatabaseAccessError(failure)) refused = failure;
        throw failure;
      }
      const serverRun = started.value;
      const database = made.value;
      let engine: SqlEngine | null = null;
      try {
        // The rights include memberships of the run's roles: the server's, not the database's.
        await inTurn(() =>
          withEngine(database.url, limits, async (installer) => {
            await installer.exec(grantModeSql(grants));
            await serverRun.grantRights(installer);
          }),
        );
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
        await database.drop();
        if (isDatabaseAccessError(error)) refused = error;
        throw error;
      }
      const opened = engine;
      const userUrl = serverRun.userUrl(database.url);
      return {
        engine: opened,
        grants,
        url: userUrl,
        sharedEngine: false,
        newSession: async () => {
          const connection = await createPostgresEngine(userUrl, limits);
          return { engine: connection, grants, url: userUrl, sharedEngine: false, close: () => connection.close() };
        },
        installExtension: (name: string) =>
          withEngine(database.url, limits, (installer) =>
            installer.exec(`create extension if not exists "${name.replace(/"/g, '""')}" with schema extensions`),
          ),
        async close() {
          await opened.close();
          // The next mode need not wait for the drop; the run's end does.
          void database.drop().catch(() => undefined);
        },
      };
    },
    async close(): Promise<readonly Finding[]> {
      const started = await run?.catch(() => null);
      if (!started) {
        await Promise.allSettled(databaseDrops.map((drop) => drop()));
        return [];
      }
      ended = started;
      return started.end().then(
        () => [],
        (error: unknown) => [{ message: firstLine(error) }],
      );
    },
    serverChanges: () => (ended?.serverChanges() ?? []).map((change) => ({ message: `the server changed during the run: ${change}` })),
  };
}

/** Runs `fn` on a new connection to `url`, closed afterwards. */
async function withEngine<T>(url: string, limits: ServerTimeLimits, fn: (engine: SqlEngine) => Promise<T>): Promise<T> {
  const engine = await createPostgresEngine(url, limits);
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}
