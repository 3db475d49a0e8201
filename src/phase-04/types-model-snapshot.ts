import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { emulationDigest } from '../emulation/install.js';
import { introspectMigrations } from '../types-gen/from-migrations.js';
import {
  migrationTemplatesHash,
  PLACEHOLDER_TIER,
  renderPhaseMigrations,
  TYPES_MODEL_SCHEMAS,
  type TypesModelSnapshot,
} from './types-model.js';

/**
 * Introspects the phase's migrations, rendered with the placeholder tier, on the embedded engine
 * and writes the model that `phaseOwnTypesModel` reads (run by the build: scripts/build-types-model.mjs).
 */
export async function writeTypesModelSnapshot(file: string): Promise<string> {
  const templatesHash = await migrationTemplatesHash();
  const rendered = await renderPhaseMigrations([PLACEHOLDER_TIER]);
  const migrations = rendered.map((sql, i) => ({ name: `phase migration ${i + 1}`, sql }));
  const model = await introspectMigrations(migrations, TYPES_MODEL_SCHEMAS);
  const snapshot: TypesModelSnapshot = { templatesHash, emulationDigest: emulationDigest(), schemas: TYPES_MODEL_SCHEMAS, model };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(snapshot)}\n`);
  return file;
}
