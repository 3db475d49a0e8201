/**
 * The embedded engine's worker thread: PGlite runs here, so that a statement that never ends
 * (an endless loop, pg_sleep) holds this thread and not the process's. The main thread
 * (embedded-engine.ts) keeps the time limit and terminates this thread past it, or on a stop signal (SIGINT, SIGTERM, SIGHUP).
 */
import { once } from 'node:events';
import { openAsBlob } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { MemoryFS, PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { IMAGE_MODULE_EXTENSIONS, loadEmbeddedExtensions } from '../emulation/extensions.js';
import { endsTheRest } from './sql-steps.js';
import { imageEntries, UnreadableImageError, writeImageEntries, type EmscriptenFs, type ImageEntry } from './image-entries.js';
import {
  Progress,
  type EmbeddedBoot,
  type EmbeddedReply,
  type EmbeddedRequest,
  type ErrorFields,
  type SplitScript,
  type StepRows,
  type StepsReply,
  type WorkerStep,
} from './embedded-worker-messages.js';

/** Where PGlite keeps the data directory in its filesystem. */
const PGLITE_DATA_DIR = '/pglite/data';

/** PGlite's in-memory filesystem with the image's files in it before PostgreSQL starts, which then finds its database. */
class ImageMemoryFS extends MemoryFS {
  constructor(private readonly entries: readonly ImageEntry[]) {
    super();
  }

  override async init(...args: Parameters<MemoryFS['init']>): ReturnType<MemoryFS['init']> {
    const { emscriptenOpts } = await super.init(...args);
    const write = (mod: { FS: EmscriptenFs }) => writeImageEntries(mod.FS, PGLITE_DATA_DIR, this.entries);
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), write] } };
  }
}

const port = parentPort!;
const post = (reply: EmbeddedReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

type PGliteWasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;
// Node's types leave out the WebAssembly global.
const wasmApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<PGliteWasmModule> } }).WebAssembly;

// What every boot needs, made while the boot is not known yet: PostgreSQL's WASM compiled, and
// PGlite's file bundle opened (a failure here is the boot's, below).
const prepared = prepareEngine();
prepared.catch(() => undefined);
const [boot] = (await once(port, 'message')) as [EmbeddedBoot];
const progress = new Progress(boot.progress);

const db = await start().catch((error: unknown) => {
  post({ kind: 'boot-failed', error: errorFields(error) });
  return null;
});
if (db) {
  post({ kind: 'ready' });
  // One request at a time: the main thread sends the next once this one is answered.
  port.on('message', (request: EmbeddedRequest) => {
    void answer(db, request).then(
      (reply) => post(reply, reply.bytes ? [reply.bytes.buffer as ArrayBuffer] : []),
      (error: unknown) => post({ kind: 'failed', id: request.id, error: errorFields(error) }),
    );
  });
} else {
  port.close();
}

/**
 * PGlite's own files, which it would otherwise read and compile itself during the boot. The file
 * bundle is read whole here, and handed over as its bytes: PGlite only asks the Blob it takes for
 * them, and a Blob gives its bytes back by copying them in small chunks (Node 20: about 60 ms of
 * CPU for these 6 MB, three times the read).
 */
async function prepareEngine(): Promise<{ readonly wasm: PGliteWasmModule; readonly fsBundle: Blob }> {
  const dist = path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  const [wasm, fsBundle] = await Promise.all([
    readFile(path.join(dist, 'pglite.wasm')).then((bytes) => wasmApi.compile(bytes)),
    readFile(path.join(dist, 'pglite.data')).then(bytesAsBlob),
  ]);
  return { wasm, fsBundle };
}

/** What PGlite reads of its file bundle's Blob: the bytes, as an ArrayBuffer of their own. */
function bytesAsBlob(bytes: Buffer): Blob {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const buffer = (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
  return { size: buffer.byteLength, arrayBuffer: () => Promise.resolve(buffer) } as Pick<Blob, 'size' | 'arrayBuffer'> as Blob;
}

async function start(): Promise<PGlite> {
  // initdb's engine builds the image, which creates the image's extensions: their modules must be there.
  const names = boot.image === null ? [...new Set([...boot.extensions, ...IMAGE_MODULE_EXTENSIONS])] : boot.extensions;
  const extensions = names.length ? await loadEmbeddedExtensions(names) : {};
  const image = boot.image === null ? null : await imageSource(boot.image, boot.dataDir !== null);
  const { wasm, fsBundle } = await prepared;
  return PGlite.create({
    pgliteWasmModule: wasm,
    fsBundle,
    ...(boot.dataDir ? { dataDir: boot.dataDir } : {}),
    ...startParams(boot.settings),
    extensions,
    ...(image ?? { initDbStartParams: [...boot.initdbArgs] }),
    ...(boot.username ? { username: boot.username } : {}),
  });
}

/**
 * How the engine gets the image: in memory, its files written in place (image-entries.ts); on
 * disk, or for an image that reader does not take, through PGlite's loader.
 */
async function imageSource(
  image: NonNullable<EmbeddedBoot['image']>,
  onDisk: boolean,
): Promise<Pick<PGliteOptions, 'fs'> | Pick<PGliteOptions, 'loadDataDir'>> {
  if (onDisk) return { loadDataDir: 'file' in image ? await openAsBlob(image.file) : new Blob([image.bytes]) };
  const bytes = 'file' in image ? await readFile(image.file) : image.bytes;
  try {
    return { fs: new ImageMemoryFS(imageEntries(bytes)) };
  } catch (error) {
    if (!(error instanceof UnreadableImageError)) throw error;
    return { loadDataDir: new Blob([bytes]) };
  }
}

/** PGlite's own start parameters, then the boot's settings. */
function startParams(settings: EmbeddedBoot['settings']): { startParams?: string[] } {
  const entries = Object.entries(settings);
  if (entries.length === 0) return {};
  return { startParams: [...PGlite.defaultStartParams, ...entries.flatMap(([name, value]) => ['-c', `${name}=${value}`])] };
}

async function answer(db: PGlite, request: EmbeddedRequest): Promise<EmbeddedReply & { kind: 'done' }> {
  switch (request.op) {
    case 'exec':
      progress.begin(-1);
      await execTracked(db, request);
      return { kind: 'done', id: request.id };
    case 'query':
      progress.begin(-1);
      return { kind: 'done', id: request.id, rows: await rowsOf(db, request.sql, request.params) };
    case 'steps':
      await runBatches(db, request.steps, request.batches, request.stopAtFailure);
      return { kind: 'done', id: request.id };
    case 'dump': {
      const dump = await db.dumpDataDir('none');
      return { kind: 'done', id: request.id, bytes: new Uint8Array(await dump.arrayBuffer()) };
    }
    case 'close':
      if (!db.closed) await db.close();
      return { kind: 'done', id: request.id };
  }
}

/**
 * Batches (sql-steps.ts), one after the other, each step and undo script timed on its own. The
 * rows of each step, and each batch's end, go to the main thread as they happen, so that they
 * outlive a step that never ends.
 */
async function runBatches(db: PGlite, steps: readonly WorkerStep[], batches: readonly number[], stopAtFailure: boolean): Promise<void> {
  let first = 0;
  for (const [batch, length] of batches.entries()) {
    const unit = steps.slice(first, first + length);
    const run = await runSteps(db, unit, first);
    boot.stepRows.postMessage({ kind: 'batch', batch, run } satisfies StepRows);
    if (endsTheRest(run, unit, { stopAtFailure })) return;
    first += length;
  }
}

/** One batch; `first`: the index of its first step in the request. */
async function runSteps(db: PGlite, steps: readonly WorkerStep[], first: number): Promise<StepsReply> {
  for (const [index, step] of steps.entries()) {
    progress.begin(first + index);
    try {
      if (step.kind === 'exec') {
        await execTracked(db, step);
      } else if (step.copyData !== undefined) {
        await copyFromStdin(db, step.sql, step.copyData);
      } else {
        const rows = await rowsOf(db, step.sql, step.params ?? []);
        if (rows.length > 0) boot.stepRows.postMessage({ kind: 'rows', step: first + index, rows } satisfies StepRows);
      }
    } catch (error) {
      let undoError: ErrorFields | null = null;
      for (const [undo, script] of step.undo.entries()) {
        progress.begin(first + index, undo);
        await execTracked(db, script).catch((e: unknown) => {
          undoError ??= errorFields(e);
        });
      }
      return { completed: index, failure: { step: index, error: errorFields(error) }, undoError };
    }
  }
  return { completed: steps.length, failure: null, undoError: null };
}

/**
 * A `COPY … FROM STDIN` with its data, as a client sends them: the statement, then the data and
 * its end in messages of the wire protocol, which PostgreSQL reads while it runs the COPY.
 */
async function copyFromStdin(db: PGlite, sql: string, data: string): Promise<void> {
  const text = new TextEncoder();
  const statement = text.encode(`${sql}\0`);
  const bytes = text.encode(data);
  const message = new Uint8Array(5 + statement.length + (bytes.length > 0 ? 5 + bytes.length : 0) + 5);
  const view = new DataView(message.buffer);
  let at = 0;
  const put = (type: string, body: Uint8Array) => {
    message[at] = type.charCodeAt(0);
    view.setInt32(at + 1, 4 + body.length);
    message.set(body, at + 5);
    at += 5 + body.length;
  };
  put('Q', statement);
  if (bytes.length > 0) put('d', bytes);
  put('c', new Uint8Array());
  await db.execProtocol(message);
}

/**
 * A statement's rows. Without parameters it goes as a simple query, as psql sends it: one call
 * into PostgreSQL, where a query with parameters (the extended protocol) takes five.
 */
async function rowsOf(db: PGlite, sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
  if (params.length > 0) return (await db.query<Record<string, unknown>>(sql, [...params])).rows;
  return (await db.exec(sql)).flatMap((result) => result.rows as Record<string, unknown>[]);
}

/**
 * Runs a script, noting where the statement that runs begins. Inside a transaction block the
 * statements run one by one, which changes nothing there; outside one a script is one implicit
 * transaction and runs whole. An error's position is made relative to the whole script again.
 */
async function execTracked(db: PGlite, { sql, statements }: SplitScript): Promise<void> {
  const count = db.isInTransaction() ? statements.length / 2 : 0;
  if (count < 2) {
    progress.at(count === 1 ? statements[0]! : 0);
    await db.exec(sql);
    return;
  }
  for (let i = 0; i < count; i += 1) {
    const offset = statements[2 * i]!;
    const statement = sql.slice(offset, statements[2 * i + 1]);
    // A script that ended the transaction (COMMIT) runs its rest as one implicit transaction.
    const rest = db.isInTransaction() ? statement : sql.slice(offset);
    progress.at(offset);
    try {
      await db.exec(rest);
    } catch (error) {
      throw shifted(error, sql, offset);
    }
    if (rest !== statement) return;
  }
}

function shifted(error: unknown, sql: string, offset: number): unknown {
  const position = (error as { position?: unknown }).position;
  if (typeof position !== 'string' || position === '' || offset === 0) return error;
  const before = [...sql.slice(0, offset)].length;
  return Object.assign(error as object, { position: String(before + Number(position)) });
}

function errorFields(error: unknown): ErrorFields {
  const e = (error ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    message: text(e['message']) ?? String(error),
    code: text(e['code']),
    position: text(e['position']),
    detail: text(e['detail']),
    hint: text(e['hint']),
    where: text(e['where']),
  };
}
