/**
 * The compiler's worker thread: compiles the files it is given (compile.ts) and posts the result
 * with what the compilation read of the filesystem. The compiler holds its thread for seconds;
 * here that thread is not the one the database checks run on.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileWebFiles } from './compile.js';
import { ObservationLog, readValue } from './fs-observations.js';
import { loadTypeScriptAt } from './load-typescript.js';
import type { CompileReply, CompileRequest } from './worker-messages.js';

const request = workerData as CompileRequest;
let reply: CompileReply;
try {
  const recordedAt = Date.now();
  const log = new ObservationLog();
  // The compiler itself is an input of its answer.
  log.note('read', request.typescript, readValue(request.typescript));
  const ts = loadTypeScriptAt(request.typescript);
  const result = compileWebFiles(ts, request.appDir, request.files, log);
  reply = { ok: true, result, observations: log.observations(), recordedAt };
} catch (error) {
  reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
}
parentPort!.postMessage(reply);
