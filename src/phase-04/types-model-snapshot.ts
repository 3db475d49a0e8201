import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { introspectMigrations } from '../types-gen/from-migrations.js';
import { migrationTemplatesHash, PLACEHOLDER_TIER, renderPhaseMigrations, type TypesModelSnapshot } from './types-model.js';

/**
 * Introspects the phase's migrations, rendered with the placeholder tier, on the embedded engine
 * and writes the model that `phaseOwnTypesModel` reads (run by the build: scripts/build-types-model.mjs).
 */
export async function writeTypesModelSnapshot(file: string): Promise<string> {
  const templatesHash = await migrationTemplatesHash();
  const rendered = await renderPhaseMigrations([PLACEHOLDER_TIER]);
  const model = await introspectMigrations(rendered.map((sql, i) => ({ name: `phase migration ${i + 1}`, sql })));
  const snapshot: TypesModelSnapshot = { templatesHash, model };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(snapshot)}\n`);
  return file;
}
