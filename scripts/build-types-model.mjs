#!/usr/bin/env node
// Writes what the phase's own migrations are known to produce, read once on the embedded engine
// with a placeholder tier, so that a new repo's types need no database and --append need not run
// the phase's migrations to learn the objects they create:
// - dist/phase-04-types-model.json: the `Database` model (src/phase-04/types-model.ts);
// - dist/phase-04-named-objects.json: the named objects (src/pipeline/phase-objects.ts).
// Runs after the engine image is built, with the same code the package runs.
import path from 'node:path';
import { packageRoot, runPackageCode } from './run-package-code.mjs';

const files = await runPackageCode(
  'write-types-model',
  `import { openPreparedEngine } from './src/db/engine-cache.ts';
import { writeTypesModelSnapshot } from './src/phase-04/types-model-snapshot.ts';
import { TYPES_MODEL_SNAPSHOT } from './src/phase-04/types-model.ts';
import { PHASE_OBJECTS_SNAPSHOT, writePhaseObjectsSnapshot } from './src/pipeline/phase-objects.ts';
process.stdout.write((await writeTypesModelSnapshot(TYPES_MODEL_SNAPSHOT)) + '\\n');
const { engine } = await openPreparedEngine('current');
try {
  process.stdout.write((await writePhaseObjectsSnapshot(engine, PHASE_OBJECTS_SNAPSHOT)) + '\\n');
} finally {
  await engine.close();
}`,
);
for (const file of files.split('\n')) console.error(`phase snapshot: ${path.relative(packageRoot, file)}`);
