/**
 * Temp Next.js apps for the compile tests: the rendered web templates plus a node_modules symlink
 * to the real dependencies cached by scripts/install-test-deps.sh.
 */
import { execa } from 'execa';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV_WEB_TEMPLATES, webLibTemplate } from '../../src/phase-04/artifacts.js';
import { databaseTypesContext, exampleContext, type RenderContext } from '../../src/render/context.js';
import { renderTemplate } from '../../src/render/render.js';
import { templatesDir } from '../../src/render/templates-dir.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Fixture sources are named *.fixture so the repo's own tsc does not compile them as part of this package.
const fixtures = path.join(repoRoot, 'test', 'templates', 'fixtures');

/** node_modules of the cached dependency sets, installed on first use. */
export async function cachedWebDeps(): Promise<{ next16: string; next15: string }> {
  await execa(path.join(repoRoot, 'scripts', 'install-test-deps.sh'), { cwd: repoRoot });
  return {
    next16: path.join(repoRoot, 'test', '.cache', 'web-deps', 'node_modules'),
    next15: path.join(repoRoot, 'test', '.cache', 'web-deps-15', 'node_modules'),
  };
}

export interface Variant {
  readonly nextMajor: 15 | 16;
  readonly env: 'module' | 'process';
  readonly typed: boolean;
}

/** The render context of a variant: the example monorepo with the variant's choices. */
export function variantContext(variant: Variant): RenderContext {
  const base = exampleContext();
  const sessionFile = variant.nextMajor >= 16 ? 'proxy' : 'middleware';
  return {
    ...base,
    web: {
      ...base.web,
      nextMajor: variant.nextMajor,
      sessionFile,
      sessionImport: `./lib/supabase/${sessionFile}`,
      env: variant.env === 'module' ? base.web.env : { kind: 'process' },
      ...databaseTypesContext(variant.typed ? './database.types' : null),
    },
  };
}

export async function makeAppDir(nodeModules: string | null): Promise<string> {
  const appDir = await mkdtemp(path.join(os.tmpdir(), 'csdb-web-'));
  if (nodeModules) await symlink(nodeModules, path.join(appDir, 'node_modules'), 'dir');
  return appDir;
}

export const removeAppDir = (appDir: string) => rm(appDir, { recursive: true, force: true });

/**
 * Renders every web template into appDir as the generator lays them out (lib/supabase/*.ts and
 * the root proxy/middleware), plus what the variant needs beside them: the guide's lib/env.ts
 * and a Database types file. Returns the generated files, relative to appDir.
 */
export async function writeWebApp(appDir: string, context: RenderContext, options: { tsconfig?: boolean } = {}): Promise<string[]> {
  const libTemplates = (await readdir(path.join(templatesDir, 'web', 'lib', 'supabase'))).filter((f) => f.endsWith('.hbs'));
  const planned = [...libTemplates, ...ENV_WEB_TEMPLATES].map((template) => ({
    template: webLibTemplate(template, context.web.env.kind),
    file: `lib/supabase/${template === 'session.ts.hbs' ? context.web.sessionFile : template.replace(/\.ts\.hbs$/, '')}.ts`,
  }));
  planned.push({ template: 'web/root/session-root.ts.hbs', file: `${context.web.sessionFile}.ts` });

  await mkdir(path.join(appDir, 'lib', 'supabase'), { recursive: true });
  for (const { template, file } of planned) {
    await writeFile(path.join(appDir, file), await renderTemplate(template, context));
  }
  if (context.web.env.kind === 'module') await copyFile(path.join(fixtures, 'env.ts.fixture'), path.join(appDir, 'lib', 'env.ts'));
  if (context.web.databaseTypesImport) {
    await copyFile(path.join(fixtures, 'database.types.ts.fixture'), path.join(appDir, 'lib', 'supabase', 'database.types.ts'));
  }
  if (options.tsconfig) await copyFile(path.join(fixtures, 'tsconfig.json'), path.join(appDir, 'tsconfig.json'));
  return planned.map((p) => p.file);
}
