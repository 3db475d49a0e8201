/** What the embedded engine's worker thread (embedded-worker.ts) is given, asked and answers. */

/** workerData: how to boot PGlite. */
export interface EmbeddedBoot {
  /** A data directory saved with `dumpDataDir()`: a file the worker opens itself, or its bytes. */
  readonly image: { readonly file: string } | { readonly bytes: Uint8Array } | null;
  /** initdb's arguments (ignored with an image). */
  readonly initdbArgs: readonly string[];
  /** Extension modules to load beyond uuid-ossp and pgcrypto. */
  readonly extensions: readonly string[];
  readonly username: string | null;
  /**
   * One Int32: the UTF-16 offset, in the script being executed, of the statement running now.
   * Shared, so that it can be read while the worker's thread is busy in that statement.
   */
  readonly progress: SharedArrayBuffer;
}

export type EmbeddedRequest =
  | { readonly id: number; readonly op: 'exec'; readonly sql: string }
  | { readonly id: number; readonly op: 'query'; readonly sql: string; readonly params: readonly unknown[] }
  | { readonly id: number; readonly op: 'dump' }
  | { readonly id: number; readonly op: 'close' };

/** The fields of PostgreSQL's ErrorResponse a SqlError keeps (see toSqlError). */
export interface ErrorFields {
  readonly message: string;
  readonly code?: string | undefined;
  readonly position?: string | undefined;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
  readonly where?: string | undefined;
}

export type EmbeddedReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'boot-failed'; readonly error: ErrorFields }
  | { readonly kind: 'done'; readonly id: number; readonly rows?: unknown[]; readonly bytes?: Uint8Array }
  | { readonly kind: 'failed'; readonly id: number; readonly error: ErrorFields };
