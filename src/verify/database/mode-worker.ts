/**
 * Worker thread running one grant mode's database checks on an embedded engine (see
 * worker-modes.ts): PGlite computes here, so the grant modes run in parallel, and the thread's
 * memory goes when it ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DatabaseCheck } from '../phase.js';
import { findPhase } from '../registry.js';
import { inThisThread } from './mode-runner.js';
import { embeddedProvider } from './provider.js';
import type { ModeWorkerData } from './worker-modes.js';

const { phaseId, checkNames, ctx, mode, skip } = workerData as ModeWorkerData;
const phase = findPhase(phaseId);
if (!phase) throw new Error(`unknown phase ${phaseId}`);
const checks = checkNames.map((name) => phase.checks.find((c): c is DatabaseCheck => c.scope === 'database' && c.name === name)!);
const results = await inThisThread(embeddedProvider()).run(checks, ctx, mode, new Set(skip));
parentPort!.postMessage([...results]);
