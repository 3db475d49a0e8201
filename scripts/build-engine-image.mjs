#!/usr/bin/env node
// Builds the embedded-engine image the package ships (dist/engine-image): initdb and the
// Supabase stand-in, done once here instead of on a user's first `verify-phase` run, where
// initdb would cost about two seconds and 170 MiB more peak memory. The image is written by the
// same code that reads it (src/db/engine-cache.ts), bundled to a scratch file and run in a child
// process, so the key in its name is the one the installed package computes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Inside the package (for its package.json and node_modules), in a git-ignored directory.
const scratch = path.join(root, '.cache', 'build');
const entry = path.join(scratch, 'write-engine-image.mjs');

mkdirSync(scratch, { recursive: true });
try {
  await build({
    stdin: {
      contents: `import { writePackagedImage } from './src/db/engine-cache.ts';
const file = await writePackagedImage(process.argv[2]);
process.stdout.write(file + '\\n');`,
      resolveDir: root,
      sourcefile: 'write-engine-image.ts',
      loader: 'ts',
    },
    outfile: entry,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const file = execFileSync(process.execPath, [entry, path.join(root, 'dist', 'engine-image')], { encoding: 'utf8' }).trim();
  // stderr: `npm pack --json` runs this build and its stdout must stay JSON.
  console.error(`engine image: ${path.relative(root, file)}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
