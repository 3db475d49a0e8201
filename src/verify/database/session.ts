import type { SqlEngine } from '../../db/engine.js';
import type { Finding, GrantMode } from '../types.js';

/** A fresh database with the Supabase stand-in installed, where the database checks run. */
export interface DatabaseSession {
  readonly engine: SqlEngine;
  readonly grants: GrantMode;
  /** Connection URL of the temporary database (PostgreSQL only), for tools that connect themselves. */
  readonly url: string | null;
  /**
   * The session is a transaction on an engine the grant modes share, rolled back on close: each
   * migration file is a savepoint rather than a committed transaction. A file can behave
   * otherwise there (one that commits itself, an enum value added and used by a later file), so
   * a failure in such a session is confirmed on a database of its own.
   */
  readonly sharedEngine: boolean;
  /**
   * Creates an extension as the platform does for a project (a server's URL role), where the
   * session's role may not (pgTAP is not trusted). Absent: the session creates it itself.
   */
  readonly installExtension?: (name: string) => Promise<void>;
  /**
   * Opens another fresh database prepared like this one (same engine, grant mode and
   * extensions), for a check that compares what two sets of SQL make; the caller closes it.
   */
  readonly openFresh?: () => Promise<DatabaseSession>;
  /**
   * A new session on this database as it stands committed, as a new connection has it: on an
   * embedded engine, whose one session keeps every custom setting it ever set (request.jwt.claims
   * reads '' there, NULL in a new session), an engine booted from a copy of it; on a server, a new
   * connection. Only outside a transaction (a database of the mode's own); the caller closes it
   * (or hands it to `continueIn`). Absent: none to be had.
   */
  readonly newSession?: () => Promise<DatabaseSession>;
  /**
   * The checks after this one run in `next` (a session `newSession` opened), which is closed
   * with this one. An embedded engine left behind is closed at once (its copy holds the data); a
   * server's first session stays open until the end, as its close drops the database. Given to
   * the checks by the mode's runner.
   */
  readonly continueIn?: (next: DatabaseSession) => Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** A database of the mode's own, never a transaction on a shared engine. */
  readonly ownDatabase?: boolean;
  /** Extensions the embedded engine must load for the checks (pgTAP); a server has its own. */
  readonly extensions?: readonly string[];
}

/** Opens one fresh session per grant mode. */
export interface DatabaseProvider {
  open(grants: GrantMode, options?: OpenOptions): Promise<DatabaseSession>;
  /**
   * Releases what the sessions shared (on a server: drops the roles the run created); called
   * once all sessions are closed. Returns what was left behind, as warnings for the report.
   */
  close(): Promise<readonly Finding[]>;
  /**
   * Once closed: what changed on the server during the run that the run did not give back (the
   * repo's SQL or another client changed it), as warnings for the report. Absent: nothing to say.
   */
  serverChanges?(): readonly Finding[];
  /**
   * Set when the checks must not go on (a statement ran past the time limit and stopped the
   * engine): why, as the skip reason of what is left. Absent or null: go on.
   */
  stopReason?(): string | null;
  /**
   * Whether the grant modes' sessions may run side by side: independent databases whose SQL
   * leaves what they share alone. `ownDatabases`: each mode will have a database of its own
   * anyway (see MIGRATIONS_FOR_OWN_DATABASE). Absent: one mode after the other.
   */
  concurrentModes?(run: { readonly ownDatabases: boolean }): Promise<boolean>;
}
