import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { templatesDir } from '../render/templates-dir.js';
import { migrationName, TEMPLATE_DIRS, type TemplateInventory } from './artifacts.js';

/** The phase's templates as shipped under templates/: what generate renders and verify expects. */
export async function readInventory(): Promise<TemplateInventory> {
  const list = (dir: string) => listTemplates(dir).catch(() => []);
  const [migrations, dbTests, webLib] = await Promise.all([
    list(TEMPLATE_DIRS.migrations),
    list(TEMPLATE_DIRS.dbTests),
    list(TEMPLATE_DIRS.webLib),
  ]);
  return { migrations, dbTests, webLib };
}

/** Names (without version) of the migrations the phase generates, e.g. `initial_schema.sql`. */
export async function phaseMigrationNames(): Promise<string[]> {
  return (await listTemplates(TEMPLATE_DIRS.migrations)).map(migrationName);
}

async function listTemplates(dir: string): Promise<string[]> {
  const names = await readdir(path.join(templatesDir, dir));
  return names.filter((n) => n.endsWith('.hbs')).sort();
}
