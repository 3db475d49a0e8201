import type { SqlEngine } from '../../db/engine.js';
import type { GrantMode } from '../types.js';

/** A fresh database with the Supabase stand-in installed, where the database checks run. */
export interface DatabaseSession {
  readonly engine: SqlEngine;
  readonly grants: GrantMode;
  /** Connection URL of the temporary database (PostgreSQL only), for tools that connect themselves. */
  readonly url: string | null;
  close(): Promise<void>;
}

/** Opens one fresh session per grant mode. */
export interface DatabaseProvider {
  open(grants: GrantMode): Promise<DatabaseSession>;
}
