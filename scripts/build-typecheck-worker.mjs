#!/usr/bin/env node
// Bundles the TypeScript check's worker thread (src/typecheck/worker.ts) into
// dist/typecheck/worker.js, the file the check starts (see src/typecheck/compile-in-worker.ts).
// Run by the build, and by the tests' global setup so that tests of src/ run the worker of src/.
// Written to a temporary file and renamed: a process starting a worker meanwhile reads a whole file.
import { renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function buildTypecheckWorker() {
  const outfile = path.join(root, 'dist', 'typecheck', 'worker.js');
  const temporary = `${outfile}.${process.pid}.tmp`;
  await build({
    absWorkingDir: root,
    entryPoints: ['src/typecheck/worker.ts'],
    outfile: temporary,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'none',
    // The compiler is the app's own, loaded at run time.
    external: ['typescript'],
    logLevel: 'warning',
  });
  renameSync(temporary, outfile);
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildTypecheckWorker();
