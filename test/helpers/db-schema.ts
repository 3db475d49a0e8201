import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { SqlFile } from '../../src/db/apply-migrations.js';
import { exampleContext, type RenderContext } from '../../src/render/context.js';
import { renderTemplate } from '../../src/render/render.js';
import { templatesDir } from '../../src/render/templates-dir.js';

export interface RenderedSchema {
  readonly migrations: SqlFile[];
  readonly seed: SqlFile;
  /** pgTAP files, as generated into supabase/tests/database. */
  readonly tests: SqlFile[];
}

async function renderFolder(folder: string, context: RenderContext, name: (template: string) => string): Promise<SqlFile[]> {
  const templates = (await readdir(path.join(templatesDir, folder))).filter((f) => f.endsWith('.sql.hbs')).sort();
  return Promise.all(
    templates.map(async (template) => ({
      name: name(template),
      sql: await renderTemplate(`${folder}/${template}`, context),
    })),
  );
}

/** The generated migrations, seed and pgTAP tests, rendered from templates/ like the generator does. */
export async function renderSchema(context: RenderContext = exampleContext()): Promise<RenderedSchema> {
  const strip = (t: string) => t.replace(/\.hbs$/, '');
  const [migrations, tests, seedSql] = await Promise.all([
    renderFolder('supabase/migrations', context, (t) => `supabase/migrations/${strip(t)}`),
    renderFolder('supabase/tests/database', context, (t) => `supabase/tests/database/${strip(t)}`),
    renderTemplate('supabase/seed.sql.hbs', context),
  ]);
  return { migrations, tests, seed: { name: 'supabase/seed.sql', sql: seedSql } };
}
