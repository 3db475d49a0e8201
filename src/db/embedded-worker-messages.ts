/** What the embedded engine's worker thread (embedded-worker.ts) is given, asked and answers. */
import type { MessagePort } from 'node:worker_threads';
import type { SqlStep } from './sql-steps.js';
import type { StatementRanges } from './split-statements.js';

/**
 * How to boot PGlite: the worker's first message. A worker can start before its boot is known
 * (see prestartEmbeddedEngine), and gets ready meanwhile.
 */
export interface EmbeddedBoot {
  /** A data directory saved with `dumpDataDir()`: a file the worker opens itself, or its bytes. */
  readonly image: { readonly file: string } | { readonly bytes: Uint8Array } | null;
  /** initdb's arguments (ignored with an image). */
  readonly initdbArgs: readonly string[];
  /** Extension modules to load (an engine made by initdb also loads the image's, uuid-ossp and pgcrypto). */
  readonly extensions: readonly string[];
  readonly username: string | null;
  /** A directory to keep the data directory in, on disk; null: in memory. */
  readonly dataDir: string | null;
  /** Server settings for this boot (`-c name=value`), over the data directory's postgresql.conf. */
  readonly settings: Readonly<Record<string, string>>;
  /**
   * Where the worker is (see Progress), shared, so that it can be read while the worker's thread
   * is busy in a statement.
   */
  readonly progress: SharedArrayBuffer;
  /**
   * Where the worker posts the rows of each step as the step completes, and each batch's end
   * (StepRows), read by the main thread when the request ends, however it ends: a request stopped
   * past the time limit keeps the rows and the ends of what ran before.
   */
  readonly stepRows: MessagePort;
}

/**
 * Posted while a request's batches run: the rows of a step that returned any (the others
 * returned none; `step` counts from the request's first), and each batch's end.
 */
export type StepRows =
  | { readonly kind: 'rows'; readonly step: number; readonly rows: Record<string, unknown>[] }
  | { readonly kind: 'batch'; readonly batch: number; readonly run: StepsReply };

/** The layout of EmbeddedBoot.progress. */
export const PROGRESS_BYTES = 24;

export class Progress {
  private readonly ints: Int32Array;
  private readonly started: BigInt64Array;

  constructor(buffer: SharedArrayBuffer) {
    this.ints = new Int32Array(buffer, 0, 4);
    this.started = new BigInt64Array(buffer, 16, 1);
  }

  /** A statement (or a batch's step, or an undo script of it: `undo` ≥ 0) starts now. */
  begin(step: number, undo = -1): void {
    Atomics.store(this.ints, 0, 0);
    Atomics.store(this.ints, 1, step);
    Atomics.store(this.ints, 2, undo);
    Atomics.store(this.started, 0, BigInt(Date.now()));
  }

  /** The statement at this UTF-16 offset of the SQL running now starts now: its time limit too. */
  at(offset: number): void {
    Atomics.store(this.ints, 0, offset);
    Atomics.store(this.started, 0, BigInt(Date.now()));
  }

  read(): { readonly offset: number; readonly step: number; readonly undo: number; readonly startedAt: number } {
    return {
      offset: Atomics.load(this.ints, 0),
      step: Atomics.load(this.ints, 1),
      undo: Atomics.load(this.ints, 2),
      startedAt: Number(Atomics.load(this.started, 0)),
    };
  }
}

/**
 * A script and where its statements are, found on this side (the worker does not split SQL): in a
 * transaction the worker runs them one by one, to say which one runs now.
 */
export interface SplitScript {
  readonly sql: string;
  readonly statements: StatementRanges;
}

/** A SqlStep with its scripts split (`statements` is empty for a query). */
export interface WorkerStep extends Omit<SqlStep, 'undo' | 'statements'>, SplitScript {
  readonly undo: readonly SplitScript[];
}

export type EmbeddedRequest =
  | ({ readonly id: number; readonly op: 'exec' } & SplitScript)
  | { readonly id: number; readonly op: 'query'; readonly sql: string; readonly params: readonly unknown[] }
  /** Batches of steps, one after the other: `batches` gives how many of `steps` each has (see BatchesOptions). */
  | {
      readonly id: number;
      readonly op: 'steps';
      readonly steps: readonly WorkerStep[];
      readonly batches: readonly number[];
      readonly stopAtFailure: boolean;
    }
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
  | {
      readonly kind: 'done';
      readonly id: number;
      readonly rows?: unknown[];
      readonly bytes?: Uint8Array;
    }
  | { readonly kind: 'failed'; readonly id: number; readonly error: ErrorFields };

/** A batch's StepsRun, its errors as fields, its rows posted apart (StepRows); steps counted from the batch's first. */
export interface StepsReply {
  /** How many steps succeeded. */
  readonly completed: number;
  readonly failure: { readonly step: number; readonly error: ErrorFields } | null;
  readonly undoError: ErrorFields | null;
}
