/**
 * The embedded engine: PGlite (PostgreSQL compiled to WASM, in memory) in a worker thread of its
 * own (embedded-worker.ts). This thread forwards the calls, one at a time, and keeps the time
 * limit: a statement past it, or an abort (a stop signal: SIGINT, SIGTERM, SIGHUP), terminates the worker, whatever the
 * statement does, and the engine is gone.
 */
import path from 'node:path';
import v8 from 'node:v8';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { packageRoot } from '../package-root.js';
import {
  Progress,
  PROGRESS_BYTES,
  type EmbeddedBoot,
  type EmbeddedReply,
  type EmbeddedRequest,
  type WorkerStep,
  type StepRows,
  type StepsReply,
} from './embedded-worker-messages.js';
import { DEFAULT_STATEMENT_TIMEOUT_MS, QUERY_CANCELED, refuseServerPrograms, statementTimeoutMessage, type SqlEngine } from './engine.js';
import { cancelledStatementError, SqlError, toSqlError } from './sql-error.js';
import { endsTheRest, runBatchesInTurn, type SqlStep, type StepsRun } from './sql-steps.js';
import { statementRanges } from './split-statements.js';
import { collectGarbage } from './collect-garbage.js';
import { temporaryDataDir } from './engine-data-dir.js';

/** The worker script, built by scripts/build.mjs (the tests' global setup builds it too). */
export const ENGINE_WORKER_FILE = path.join(packageRoot, 'dist', 'db', 'engine-worker.js');

export interface EmbeddedEngineOptions {
  /**
   * A data directory saved with `dumpDataDir()`: boots several times faster than initdb. A file
   * is read by the worker itself, not copied into this thread.
   */
  image?: { readonly file: string } | { readonly bytes: Uint8Array };
  /** How initdb makes a new data directory (ignored with `image`). */
  initdb?: InitdbOptions;
  /**
   * Extensions whose modules to load, by name (`vector`, `pg_trgm`, `pgcrypto`…; see
   * `embeddedExtensionsFor`). PGlite takes its extension modules when it starts, so the names
   * must be known then; an engine booted from an image may load any. An engine made by initdb
   * also loads the modules of the extensions the image creates (uuid-ossp, pgcrypto).
   */
  extensions?: readonly string[];
  /** The role the session logs in as (it must exist); PGlite's default is `postgres`. */
  username?: string;
  /** The time limit of each call (`--statement-timeout`); default 30 s. Booting has none. */
  statementTimeoutMs?: number;
  /** Aborting it terminates the engine: calls under way and later ones fail. */
  signal?: AbortSignal | undefined;
  /**
   * Keeps the data directory in a temporary directory on disk (see engine-data-dir.ts) rather
   * than in the worker's memory: a large database then costs far less memory, and small work
   * takes longer.
   */
  dataOnDisk?: boolean | undefined;
  /**
   * The work commits file by file (migrations applied each in a transaction of its own) rather
   * than in one transaction that is rolled back: an engine in memory then logs every change
   * (see FILE_COMMITS_SETTINGS).
   */
  commitsFileByFile?: boolean | undefined;
}

export interface InitdbOptions {
  /** `--wal-segsize`, a power of 2; PostgreSQL's default is 16. */
  readonly walSegmentMiB?: number;
  /** Written to postgresql.conf (`-c name=value`), and in force from the first boot. */
  readonly settings?: Readonly<Record<string, string>>;
}

/** Why an engine stopped before it was closed. */
export type EngineStop = 'statement-timeout' | 'interrupted' | 'crashed';

export interface EmbeddedSqlEngine extends SqlEngine {
  readonly kind: 'embedded';
  /** The data directory as a tar (`dumpDataDir('none')`), to boot other engines from. */
  dumpDataDir(): Promise<Uint8Array>;
  /** Set once the engine stopped otherwise than by `close()`. */
  readonly stopped: EngineStop | null;
  /** Where the data directory is on disk (`dataOnDisk`), until the engine's thread ends; null: in memory. */
  readonly dataDir: string | null;
}

function initdbArgs(options: InitdbOptions): string[] {
  return [
    ...(options.walSegmentMiB ? [`--wal-segsize=${options.walSegmentMiB}`] : []),
    ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ];
}

/**
 * PostgreSQL's WASM build is large and an engine here lives for a second or two: V8's
 * optimizing tier would compile its hot functions in the background, competing for the CPU and
 * holding the code twice, and finish about when the work is done. The baseline compiler alone
 * measured faster overall and about 90 MiB smaller. V8's flags belong to the process: set here,
 * before the first worker starts, the flag holds for the workers' WASM. It concerns WebAssembly only.
 */
let wasmTierChosen = false;

function useBaselineWasmCompiler(): void {
  if (wasmTierChosen) return;
  wasmTierChosen = true;
  v8.setFlagsFromString('--liftoff-only');
}

/**
 * An engine with its data on disk runs a large repo's SQL, whose tables fill every shared buffer,
 * and each buffer's page stays in the process for good; on disk the pages are also in the
 * system's file cache. 4 MB instead of the image's 16: a run with a 20 MiB migration peaked about
 * 15 MiB lower, and took no longer.
 */
const ON_DISK_SETTINGS: Readonly<Record<string, string>> = { shared_buffers: '4MB' };

/**
 * The image's minimal WAL (engine-cache.ts) writes nothing for a table made in the running
 * transaction, until it commits: then the pages of each such table under 2 MB are written out and
 * logged whole. For small files that each commit, that is more work and more WAL than logging
 * the changes as they are made: 2,000 files of a table each, 2.3 against 1.6 ms and 30 against 16
 * KiB of WAL per file (PGlite alone), and `--append` on them peaked about 30 MiB lower. An engine
 * with its data on disk keeps minimal WAL: it runs a large repo, whose bulk loads into a table
 * the file made are then not logged at all.
 */
const FILE_COMMITS_SETTINGS: Readonly<Record<string, string>> = { wal_level: 'replica' };

function bootSettings(options: EmbeddedEngineOptions, onDisk: boolean): Readonly<Record<string, string>> {
  if (onDisk) return ON_DISK_SETTINGS;
  return options.commitsFileByFile ? FILE_COMMITS_SETTINGS : {};
}

/**
 * The worker's young generation, where V8 allocates first. By default it grows to tens of MB, all
 * of it resident once used, for objects that die young (query results, SQL batches): capped at
 * 4 MB, verify on a new repo peaked about 35 MiB lower (and with a 20 MiB migration as much), in
 * the same time within the runs' noise.
 */
const WORKER_YOUNG_GENERATION_MB = 4;

/**
 * A worker started before its engine's boot is known (see prestartEmbeddedEngine): it loads PGlite
 * and compiles PostgreSQL meanwhile. `ended`: it ended before an engine took it.
 */
let prestarted: { readonly worker: Worker; ended: boolean } | null = null;

/**
 * Starts the thread of the next embedded engine now, for a command that will boot one once it has
 * read the repo: its own start and PGlite's preparation (about a quarter of a second) then overlap
 * that reading. Unused, it keeps no process alive.
 */
export function prestartEmbeddedEngine(): void {
  if (prestarted && !prestarted.ended) return;
  useBaselineWasmCompiler();
  let worker: Worker;
  try {
    worker = spawnEngineWorker();
  } catch {
    // Only a head start: the engine's own start reports what fails.
    return;
  }
  const started = { worker, ended: false };
  // A thread that fails before an engine takes it is left: that engine starts its own, whose
  // failure is reported.
  const ended = () => {
    started.ended = true;
  };
  worker.on('error', ended);
  worker.once('exit', ended);
  worker.unref();
  prestarted = started;
}

/** The prestarted worker, else a new one; it waits for its boot (EmbeddedBoot). */
function takeEngineWorker(): Worker {
  const taken = prestarted;
  prestarted = null;
  if (taken && !taken.ended) {
    taken.worker.ref();
    return taken.worker;
  }
  return spawnEngineWorker();
}

function spawnEngineWorker(): Worker {
  return new Worker(ENGINE_WORKER_FILE, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
}

const interruptedError = () => new SqlError('interrupted: the embedded engine was stopped', QUERY_CANCELED, undefined);

export async function createEmbeddedEngine(options: EmbeddedEngineOptions = {}): Promise<EmbeddedSqlEngine> {
  if (options.signal?.aborted) throw interruptedError();
  useBaselineWasmCompiler();
  const limitMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const progress = new SharedArrayBuffer(PROGRESS_BYTES);
  const stepRows = new MessageChannel();
  const dataDir = options.dataOnDisk ? temporaryDataDir() : null;
  // Data on disk means a large repo, whose SQL was just read and searched: its garbage goes
  // before the engine's boot adds to the peak (see collect-garbage).
  if (dataDir) collectGarbage();
  const boot: EmbeddedBoot = {
    image: options.image ?? null,
    initdbArgs: options.initdb ? initdbArgs(options.initdb) : [],
    extensions: options.extensions ?? [],
    username: options.username ?? null,
    dataDir: dataDir?.path ?? null,
    settings: bootSettings(options, dataDir !== null),
    progress,
    stepRows: stepRows.port2,
  };
  let worker: Worker | undefined;
  try {
    worker = takeEngineWorker();
    worker.postMessage(boot, [stepRows.port2]);
  } catch (error) {
    // A thread that did not get its boot would wait for it for good.
    await worker?.terminate();
    dataDir?.remove();
    throw error;
  }
  let onDisk = dataDir?.path ?? null;
  // Once the thread has ended nothing writes there any more.
  worker.once('exit', () => {
    dataDir?.remove();
    onDisk = null;
  });
  const thread = new EngineThread(worker, options.signal, stepRows.port1);
  try {
    await thread.answer();
  } catch (error) {
    await thread.end();
    throw error;
  }

  // One call at a time: callers that overlap (Promise.all over checks) are queued here.
  let queue: Promise<unknown> = Promise.resolve();
  const where = new Progress(progress);
  const call = (request: DistributiveOmit<EmbeddedRequest, 'id'>, sqlAt: SqlAt | null): Promise<EmbeddedReply> => {
    const next = queue.then(() => thread.send(request, sqlAt === null ? null : { ms: limitMs, sqlAt, progress: where }));
    queue = next.catch(() => undefined);
    return next;
  };
  const engine: EmbeddedSqlEngine = {
    kind: 'embedded',
    get stopped() {
      return thread.stopped;
    },
    get dataDir() {
      return onDisk;
    },
    async exec(sql, statements) {
      refuseServerPrograms(sql);
      await call({ op: 'exec', sql, statements: statements ?? statementRanges(sql) }, () => sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      refuseServerPrograms(sql);
      const reply = await call({ op: 'query', sql, params }, () => sql);
      return (reply.kind === 'done' ? (reply.rows ?? []) : []) as T[];
    },
    async runSteps(steps) {
      return (await engine.runBatches([steps]))[0]!;
    },
    async runBatches(batches, options = {}) {
      const steps = batches.flat();
      // A refused step fails where it stands, as its own call would.
      if (steps.some((step) => isRefused(step.sql) || step.undo?.some(isRefused))) return runBatchesInTurn(engine, batches, options);
      const request = {
        op: 'steps',
        steps: steps.map(splitStep),
        batches: batches.map((batch) => batch.length),
        stopAtFailure: options.stopAtFailure ?? false,
      } as const;
      const sqlAt: SqlAt = (step, undo) => {
        const shownAs = undo < 0 ? steps[step]?.shownAs : undefined;
        return shownAs === undefined ? ((undo < 0 ? steps[step]?.sql : steps[step]?.undo?.[undo]) ?? '') : { shownAs };
      };
      let stop: { readonly step: number; readonly error: SqlError } | null = null;
      try {
        await call(request, sqlAt);
      } catch (error) {
        if (thread.stoppedDuring !== request) throw error;
        stop = { step: where.read().step, error: toSqlError(error) };
      }
      // Stopped (time limit, signal): the first batch whose end the worker did not post failed
      // there, at the step running then (the worker may have moved on before it was terminated),
      // its undo could not run, and the batches after it did not run; unless a posted batch
      // had ended the request already.
      const posted = thread.postedFor(request);
      let first = 0;
      let stopped = false;
      return batches.map((batch, index): StepsRun | null => {
        const start = first;
        first += batch.length;
        const reply = posted.batches.get(index);
        if (reply) {
          stopped ||= endsTheRest(reply, batch, options);
          return stepsRun(reply, posted.rows(start, reply.completed));
        }
        if (!stop || stopped || batch.length === 0) return null;
        stopped = true;
        const step = Math.min(Math.max(stop.step - start, 0), batch.length - 1);
        return {
          rows: posted.rows(start, step),
          failure: { step, error: stop.error },
          undoError: batch[step]!.undo?.length ? stop.error : null,
        };
      });
    },
    async dumpDataDir() {
      const reply = await call({ op: 'dump' }, null);
      return reply.kind === 'done' && reply.bytes ? reply.bytes : new Uint8Array();
    },
    async close() {
      if (thread.closed) return;
      if (!thread.stopped) await call({ op: 'close' }, null).catch(() => undefined);
      await thread.end();
    },
  };
  return engine;
}

const splitStep = (step: SqlStep): WorkerStep => ({
  ...step,
  statements: step.kind === 'exec' ? (step.statements ?? statementRanges(step.sql)) : new Uint32Array(),
  undo: (step.undo ?? []).map((sql) => ({ sql, statements: statementRanges(sql) })),
});

const isRefused = (sql: string): boolean => {
  try {
    refuseServerPrograms(sql);
    return false;
  } catch {
    return true;
  }
};

const stepsRun = (reply: StepsReply, rows: Record<string, unknown>[][]): StepsRun => ({
  rows,
  failure: reply.failure && { step: reply.failure.step, error: toSqlError(reply.failure.error) },
  undoError: reply.undoError && toSqlError(reply.undoError),
});

/** What a request's batches posted: the end of each that ended, and the rows of `count` steps from `first`. */
interface PostedRuns {
  readonly batches: ReadonlyMap<number, StepsReply>;
  rows(first: number, count: number): Record<string, unknown>[][];
}

/**
 * The SQL a request runs: of its step (-1: the request's own) or of that step's undo script (≥ 0);
 * with what a timeout there is called when the step says (SqlStep's `shownAs`).
 */
type SqlAt = (step: number, undo: number) => string | { readonly shownAs: string };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Deadline {
  /** The limit of each statement (of each step of a batch). */
  readonly ms: number;
  /** The SQL sent, to say which statement ran past the limit. */
  readonly sqlAt: SqlAt;
  readonly progress: Progress;
}

/** The worker and the one answer awaited from it. */
class EngineThread {
  stopped: EngineStop | null = null;
  /** The request that was running when the engine stopped. */
  stoppedDuring: object | null = null;
  closed = false;
  private running: object | null = null;
  /** What the worker posted while the last batch request ran, taken as it ended (see StepRows). */
  private posted: { readonly request: object; readonly rows: readonly StepRows[] } | null = null;
  private failure: SqlError | null = null;
  private waiting: { resolve: (reply: EmbeddedReply) => void; reject: (error: SqlError) => void } | null = null;
  private nextId = 1;
  /** The worker's termination, once begun (past the time limit, on a signal, or by end()). */
  private terminated: Promise<number> | null = null;

  constructor(
    private readonly worker: Worker,
    private readonly signal: AbortSignal | undefined,
    private readonly stepRows: MessagePort,
  ) {
    // Read only when a batch ends, never listened to: it keeps no event loop alive.
    stepRows.unref();
    worker.on('message', (reply: EmbeddedReply) => {
      const waiting = this.waiting;
      this.waiting = null;
      worker.unref();
      if (reply.kind === 'ready' || reply.kind === 'done') waiting?.resolve(reply);
      else waiting?.reject(toSqlError(reply.error));
    });
    worker.on('error', (error) => this.halt('crashed', new SqlError(`the embedded engine failed: ${error.message}`, undefined, undefined)));
    worker.on('exit', (code) =>
      this.halt('crashed', new SqlError(`the embedded engine's thread ended (exit code ${code})`, undefined, undefined)),
    );
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private readonly onAbort = () => this.halt('interrupted', interruptedError());

  /** The next answer (the first: booted). An idle worker does not keep the process alive. */
  answer(): Promise<EmbeddedReply> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.waiting = { resolve, reject };
      this.worker.ref();
    });
  }

  async send(request: DistributiveOmit<EmbeddedRequest, 'id'>, deadline: Deadline | null): Promise<EmbeddedReply> {
    const answered = this.answer();
    if (this.failure) return answered;
    let timer: NodeJS.Timeout | undefined;
    // Each statement has the limit from when it began: a batch's next step starts its own.
    const watch = (limit: Deadline) => {
      const dueIn = limit.progress.read().startedAt + limit.ms - Date.now();
      if (dueIn > 0) timer = setTimeout(() => watch(limit), dueIn);
      else this.halt('statement-timeout', timeoutError(limit));
    };
    if (deadline) {
      deadline.progress.begin(request.op === 'steps' ? 0 : -1);
      timer = setTimeout(() => watch(deadline), deadline.ms);
    }
    this.worker.postMessage({ ...request, id: this.nextId++ });
    this.running = request;
    try {
      return await answered;
    } finally {
      this.running = null;
      clearTimeout(timer);
      // Before the next request is sent, so that these are what this request's batches posted only.
      if (request.op === 'steps') this.posted = { request, rows: this.takeStepRows() };
    }
  }

  /** What the worker posted while `request` ran (StepRows): each batch's end, and its steps' rows. */
  postedFor(request: object): PostedRuns {
    const posted = this.posted?.request === request ? this.posted.rows : [];
    const batches = new Map<number, StepsReply>();
    const rowsAt = new Map<number, Record<string, unknown>[]>();
    for (const message of posted) {
      if (message.kind === 'batch') batches.set(message.batch, message.run);
      else rowsAt.set(message.step, message.rows);
    }
    return {
      batches,
      rows: (first, count) => Array.from({ length: count }, (_, i) => rowsAt.get(first + i) ?? []),
    };
  }

  /** What the worker posted, read at once: also after it was terminated. */
  private takeStepRows(): StepRows[] {
    const posted: StepRows[] = [];
    for (let message = receiveMessageOnPort(this.stepRows); message; message = receiveMessageOnPort(this.stepRows)) {
      posted.push(message.message as StepRows);
    }
    return posted;
  }

  /**
   * Stops the worker after `close()` (or a failed boot); settles once its thread has ended, its
   * memory given back and its data directory removed: an engine booted next never overlaps it.
   */
  async end(): Promise<void> {
    this.closed = true;
    this.failure ??= new SqlError('the embedded engine is closed', undefined, undefined);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.stepRows.close();
    await (this.terminated ??= this.worker.terminate());
  }

  private halt(reason: EngineStop, error: SqlError): void {
    if (this.failure) return;
    this.stopped = reason;
    this.stoppedDuring = this.running;
    this.failure = error;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.terminated = this.worker.terminate();
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(error);
  }
}

/**
 * Past the limit: the statement that was running (its offset noted by the worker) is named by
 * its first line and located by its position in the SQL sent, as a server error would be.
 */
function timeoutError({ ms, sqlAt, progress }: Deadline): SqlError {
  const at = progress.read();
  const running = sqlAt(at.step, at.undo);
  if (typeof running !== 'string') return new SqlError(`${statementTimeoutMessage(ms)}: ${running.shownAs}`, QUERY_CANCELED, undefined);
  return cancelledStatementError(statementTimeoutMessage(ms), running, { offset: at.offset });
}
