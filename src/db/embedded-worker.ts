/**
 * The embedded engine's worker thread: PGlite runs here, so that a statement that never ends
 * (an endless loop, pg_sleep) holds this thread and not the process's. The main thread
 * (engine.ts) keeps the time limit and terminates this thread past it, or on SIGINT/SIGTERM.
 */
import { openAsBlob } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { loadEmbeddedExtensions } from '../emulation/extensions.js';
import type { EmbeddedBoot, EmbeddedReply, EmbeddedRequest, ErrorFields } from './embedded-worker-messages.js';
import { splitStatements } from './split-statements.js';

const boot = workerData as EmbeddedBoot;
const port = parentPort!;
const progress = new Int32Array(boot.progress);
const post = (reply: EmbeddedReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

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

async function start(): Promise<PGlite> {
  const extra = boot.extensions.length ? await loadEmbeddedExtensions(boot.extensions) : {};
  const image = boot.image === null ? null : 'file' in boot.image ? await openAsBlob(boot.image.file) : new Blob([boot.image.bytes]);
  return PGlite.create({
    extensions: { ...extra, uuid_ossp, pgcrypto },
    ...(image ? { loadDataDir: image } : { initDbStartParams: [...boot.initdbArgs] }),
    ...(boot.username ? { username: boot.username } : {}),
  });
}

async function answer(db: PGlite, request: EmbeddedRequest): Promise<EmbeddedReply & { kind: 'done' }> {
  switch (request.op) {
    case 'exec':
      await execTracked(db, request.sql);
      return { kind: 'done', id: request.id };
    case 'query':
      Atomics.store(progress, 0, 0);
      return { kind: 'done', id: request.id, rows: (await db.query(request.sql, [...request.params])).rows };
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
 * Runs a script, noting where the statement that runs begins. Inside a transaction block the
 * statements run one by one, which changes nothing there; outside one a script is one implicit
 * transaction and runs whole, as it does for BEGIN ATOMIC bodies the splitter cannot follow.
 * An error's position is made relative to the whole script again.
 */
async function execTracked(db: PGlite, sql: string): Promise<void> {
  const statements = db.isInTransaction() && !/\bbegin\s+atomic\b/i.test(sql) ? splitStatements(sql) : [];
  if (statements.length < 2) {
    Atomics.store(progress, 0, statements[0]?.offset ?? 0);
    await db.exec(sql);
    return;
  }
  for (const statement of statements) {
    // A script that ended the transaction (COMMIT) runs its rest as one implicit transaction.
    const rest = db.isInTransaction() ? statement.sql : sql.slice(statement.offset);
    Atomics.store(progress, 0, statement.offset);
    try {
      await db.exec(rest);
    } catch (error) {
      throw shifted(error, sql, statement.offset);
    }
    if (rest !== statement.sql) return;
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
