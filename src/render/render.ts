import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError, firstLine } from '../errors.js';
import { packageRoot } from '../package-root.js';
import type { RenderContext } from './context.js';
import { COMPILE_OPTIONS, registerHelpers } from './handlebars.js';
import { templatesDir } from './templates-dir.js';

type TemplateFn = (context: RenderContext) => string;
type PrecompiledEntry = { readonly hash: string; readonly spec: unknown };

/**
 * Renders one template under templates/ (path relative to it, e.g.
 * `supabase/migrations/01_initial_schema.sql.hbs`). The build precompiles every template; a
 * template whose source no longer matches its precompiled hash (or has none) is compiled here,
 * so templates/ stays the source of truth. Failures become a `template` CliError naming the
 * template, before anything is written.
 */
export async function renderTemplate(templatePath: string, context: RenderContext, root: string = templatesDir): Promise<string> {
  let source: string;
  try {
    source = await readFile(path.join(root, templatePath), 'utf8');
  } catch (error) {
    throw new CliError('template', `template ${templatePath} cannot be read: ${(error as Error).message}`);
  }
  // Only `.hbs` files substitute values; the others are copied as they are.
  if (!templatePath.endsWith('.hbs')) return source;
  try {
    const entry = (await precompiled())[templatePath];
    const template = entry && entry.hash === templateHash(source) ? await fromPrecompiled(entry.spec) : await compile(source);
    return template(context);
  } catch (error) {
    throw new CliError('template', `template ${templatePath} failed to render: ${firstLine(error)}`);
  }
}

export function templateHash(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}

export const PRECOMPILED_FILE = path.join(packageRoot, 'dist', 'precompiled-templates.js');

let precompiledTable: Promise<Record<string, PrecompiledEntry>> | null = null;
function precompiled(): Promise<Record<string, PrecompiledEntry>> {
  precompiledTable ??= import(pathToFileURL(PRECOMPILED_FILE).href).then(
    (module: { default: Record<string, PrecompiledEntry> }) => module.default,
    () => ({}),
  );
  return precompiledTable;
}

type Env = { template(spec: unknown): TemplateFn; compile(source: string, options: object): TemplateFn };
let runtimeEnv: Promise<Env> | null = null;
let compilerEnv: Promise<Env> | null = null;

async function fromPrecompiled(spec: unknown): Promise<TemplateFn> {
  runtimeEnv ??= import('handlebars/runtime.js').then((m) => withHelpers((m.default as unknown as { create(): Env }).create()));
  return (await runtimeEnv).template(spec);
}

async function compile(source: string): Promise<TemplateFn> {
  compilerEnv ??= import('handlebars').then((m) => withHelpers((m.default as unknown as { create(): Env }).create()));
  return (await compilerEnv).compile(source, COMPILE_OPTIONS);
}

function withHelpers(env: Env): Env {
  registerHelpers(env as unknown as Parameters<typeof registerHelpers>[0]);
  return env;
}
