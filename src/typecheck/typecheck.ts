import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compileInWorker, TYPECHECK_WORKER_FILE } from './compile-in-worker.js';
import { importedPackages, missingPackages, readSources } from './installed-packages.js';
import { reusableResult, saveResult, type JournalInputs } from './journal.js';
import { appTypeScriptEntry } from './load-typescript.js';
import type { TypecheckOptions, TypecheckResult } from './types.js';

/**
 * Typechecks the given files in strict mode with the app's own TypeScript and the packages the
 * app installed (next, @supabase/ssr, @supabase/supabase-js…), as `tsc --noEmit --strict` would.
 * Reports `missing` instead of compiling when the compiler or an imported package is absent.
 * With a `cacheDir`, an app none of whose inputs changed since a run recorded them gets that
 * run's answer (see journal.ts); otherwise the compiler runs, in a worker thread.
 */
export async function typecheckWebFiles(options: TypecheckOptions): Promise<TypecheckResult> {
  const appDir = path.resolve(options.appDir);
  const files = options.files.map((file) => path.resolve(appDir, file));

  const needed = ['typescript', ...importedPackages(await readSources(files))];
  const missing = await missingPackages(appDir, [...new Set(needed)]);
  if (missing.length > 0) return { status: 'missing', missing };

  const typescript = appTypeScriptEntry(appDir);
  if (!typescript) return { status: 'missing', missing: ['typescript'] };

  const { cacheDir } = options;
  const inputs: JournalInputs = { appDir, files, typescript, checker: await checkerDigest(), cwd: process.cwd() };
  const reused = cacheDir ? await reusableResult(cacheDir, inputs) : null;
  if (reused) return { ...reused, reused: true };
  const compiled = await compileInWorker({ typescript, appDir, files }, options.signal);
  if (cacheDir) await saveResult(cacheDir, inputs, compiled);
  return compiled.result;
}

async function checkerDigest(): Promise<string> {
  const code = await readFile(TYPECHECK_WORKER_FILE).catch(() => null);
  return code ? createHash('sha256').update(code).digest('hex') : 'missing';
}
