#!/usr/bin/env node
// Bundles the commands into dist/ (ESM, Node 20). Bundling the small pure-JS dependencies
// (commander, zod/mini, handlebars' runtime) keeps `create-saas-db` start-up close to bare Node.
// Two builds: the generator alone, so its eager chunks hold only what generation needs, and the
// verify/types commands, which it loads only when asked; then the worker threads (the TypeScript
// check's, the embedded engine's). Packages that load files of their own (PGlite's WASM, the
// app's TypeScript) or serve only some paths stay external. tsc type-checks.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions, buildWorkers } from './build-workers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const common = {
  ...bundleOptions,
  outbase: 'src',
  outdir: 'dist',
  splitting: true,
  external: ['@electric-sql/pglite', '@electric-sql/pglite/*', 'pg', 'typescript', 'execa', '@clack/prompts'],
};

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
await build({
  ...common,
  entryPoints: ['src/cli/create-command.ts'],
  chunkNames: 'chunks/generate-[name]-[hash]',
  external: [...common.external, './verify-command.js', './types-command.js'],
});
await build({
  ...common,
  entryPoints: ['src/cli/verify-command.ts', 'src/cli/types-command.ts'],
  chunkNames: 'chunks/[name]-[hash]',
});
await buildWorkers();
