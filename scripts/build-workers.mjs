#!/usr/bin/env node
// Bundles the worker threads into dist/, the files their owners start:
// - the TypeScript check's (src/typecheck/worker.ts → dist/typecheck/worker.js; see
//   src/typecheck/compile-in-worker.ts);
// - the embedded engine's (src/db/embedded-worker.ts → dist/db/engine-worker.js; see
//   src/db/embedded-engine.ts).
// Run by the build, and by the tests' global setup so that tests of src/ run the workers of src/.
// Each is written to a temporary file and renamed: a process starting a worker meanwhile reads a whole file.
import { renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** How every bundle of dist/ is built: ES modules for Node 20, minified, no legal comments. */
export const bundleOptions = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  // CommonJS dependencies inside an ES module bundle still call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
};

const WORKERS = [
  // The compiler is the app's own, loaded at run time.
  { entry: 'src/typecheck/worker.ts', out: 'dist/typecheck/worker.js', external: ['typescript'] },
  // PGlite and its extensions load their WASM and data files from their own packages.
  {
    entry: 'src/db/embedded-worker.ts',
    out: 'dist/db/engine-worker.js',
    external: ['@electric-sql/pglite', '@electric-sql/pglite/*', '@electric-sql/pglite-pgtap', '@electric-sql/pglite-pgvector'],
  },
];

export async function buildWorkers() {
  return Promise.all(WORKERS.map(buildWorker));
}

async function buildWorker({ entry, out, external }) {
  const outfile = path.join(root, out);
  const temporary = `${outfile}.${process.pid}.tmp`;
  await build({ ...bundleOptions, entryPoints: [entry], outfile: temporary, external });
  renameSync(temporary, outfile);
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildWorkers();
