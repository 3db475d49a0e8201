#!/usr/bin/env node
// Writes dist/phase-04-types-model.json: the `Database` model of the phase's own migrations,
// introspected once on the embedded engine with a placeholder tier, so that generating a new
// repo's types needs no database (src/phase-04/types-model.ts). Runs after the engine image is
// built, with the same code the package runs.
import path from 'node:path';
import { packageRoot, runPackageCode } from './run-package-code.mjs';

const file = await runPackageCode(
  'write-types-model',
  `import { writeTypesModelSnapshot } from './src/phase-04/types-model-snapshot.ts';
import { TYPES_MODEL_SNAPSHOT } from './src/phase-04/types-model.ts';
process.stdout.write((await writeTypesModelSnapshot(TYPES_MODEL_SNAPSHOT)) + '\\n');`,
);
console.error(`types model: ${path.relative(packageRoot, file)}`);
