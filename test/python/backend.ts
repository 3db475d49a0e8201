/** Temp Python backends for the probe tests: a phase-02 style src/config.py and the rendered src/database.py. */
import { execa } from 'execa';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleContext, type RenderContext } from '../../src/render/context.js';
import { renderTemplate } from '../../src/render/render.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The guide's phase-02 settings module. */
export const fixtureConfig = path.join(repoRoot, 'test', 'python', 'fixtures', 'config.py');

/** The repo's .venv with supabase 2.31, created by scripts/setup-python.sh on first use. */
export async function venvPython(): Promise<string> {
  await execa(path.join(repoRoot, 'scripts', 'setup-python.sh'), { cwd: repoRoot });
  return path.join(repoRoot, '.venv', 'bin', 'python');
}

/** A bare virtualenv without supabase (nor pip): a Python that can only compile. */
export async function barePython(dir: string): Promise<string> {
  await execa('python3', ['-m', 'venv', '--without-pip', path.join(dir, 'bare-venv')]);
  return path.join(dir, 'bare-venv', 'bin', 'python');
}

export async function makeBackend(context: RenderContext = exampleContext(), config?: string): Promise<string> {
  const backendDir = await mkdtemp(path.join(os.tmpdir(), 'csdb-backend-'));
  await mkdir(path.join(backendDir, 'src'));
  await writeFile(path.join(backendDir, 'src', '__init__.py'), '');
  if (config === undefined) await copyFile(fixtureConfig, path.join(backendDir, 'src', 'config.py'));
  else await writeFile(path.join(backendDir, 'src', 'config.py'), config);
  await writeFile(path.join(backendDir, 'src', 'database.py'), await renderTemplate('backend/src/database.py.hbs', context));
  return backendDir;
}

/** Rewrites the generated module, failing the test if the text to replace is not there. */
export async function editDatabaseModule(backendDir: string, from: string, to: string): Promise<void> {
  const file = path.join(backendDir, 'src', 'database.py');
  const source = await readFile(file, 'utf8');
  if (!source.includes(from)) throw new Error(`database.py does not contain: ${from}`);
  await writeFile(file, source.replace(from, to));
}

export const removeDir = (dir: string) => rm(dir, { recursive: true, force: true });
