import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.js';
import { createRenderer } from './handlebars.js';
import { templatesDir } from './templates-dir.js';
import type { RenderContext } from './context.js';

const renderer = createRenderer();

/**
 * Renders one template under templates/ (path relative to it, e.g.
 * `supabase/migrations/initial_schema.sql.hbs`). Failures become a `template` CliError naming
 * the template, so the run stops before anything is written.
 */
export async function renderTemplate(
  templatePath: string,
  context: RenderContext,
  root: string = templatesDir,
): Promise<string> {
  const file = path.join(root, templatePath);
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError('template', `template ${templatePath} cannot be read: ${(error as Error).message}`);
  }
  try {
    return renderer.compile(source, { strict: true, noEscape: true })(context);
  } catch (error) {
    throw new CliError('template', `template ${templatePath} failed to render: ${firstLine(error)}`);
  }
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0] ?? 'unknown error';
}
