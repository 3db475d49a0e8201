#!/usr/bin/env node
// Writes dist/phase-04-types-model.json: the `Database` model of the phase's own migrations,
// introspected once on the embedded engine with a placeholder tier, so that generating a new
// repo's types needs no database (src/phase-04/types-model.ts). Runs after the engine image is
// built, with the same code the package runs, bundled to a scratch file (see build-engine-image.mjs).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scratch = path.join(root, '.cache', 'build-types-model');
const entry = path.join(scratch, 'write-types-model.mjs');

mkdirSync(scratch, { recursive: true });
try {
  await build({
    stdin: {
      contents: `import { writeTypesModelSnapshot } from './src/phase-04/types-model-snapshot.ts';
import { TYPES_MODEL_SNAPSHOT } from './src/phase-04/types-model.ts';
process.stdout.write((await writeTypesModelSnapshot(TYPES_MODEL_SNAPSHOT)) + '\\n');`,
      resolveDir: root,
      sourcefile: 'write-types-model.ts',
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
  const file = execFileSync(process.execPath, [entry], { encoding: 'utf8' }).trim();
  console.error(`types model: ${path.relative(root, file)}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
