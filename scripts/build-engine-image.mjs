#!/usr/bin/env node
// Builds the embedded-engine image the package ships (dist/engine-image): initdb and the
// Supabase emulation, done once here instead of on a user's first `verify-phase` run, where
// initdb would cost about two seconds and 170 MiB more peak memory. The image is written by the
// same code that reads it (src/db/engine-cache.ts), so the key in its name is the one the
// installed package computes.
import path from 'node:path';
import { packageRoot, runPackageCode } from './run-package-code.mjs';

const file = await runPackageCode(
  'write-engine-image',
  `import { writePackagedImage } from './src/db/engine-cache.ts';
const file = await writePackagedImage(process.argv[2]);
process.stdout.write(file + '\\n');`,
  [path.join(packageRoot, 'dist', 'engine-image')],
);
// stderr: `npm pack --json` runs this build and its stdout must stay JSON.
console.error(`engine image: ${path.relative(packageRoot, file)}`);
