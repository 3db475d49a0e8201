import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { probePythonBackend } from '../../src/python/index.js';
import { pathPythons } from '../../src/python/supabase-installed.js';
import { barePython, makeBackend, removeDir, venvPython } from './backend.js';

let python: string;
const dirs: string[] = [];

beforeAll(async () => {
  python = await venvPython();
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(async () => {
  await Promise.all(dirs.map(removeDir));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'csdb-path-python-'));
  dirs.push(dir);
  return dir;
}

/** A PATH holding only `python3`, a link to the given interpreter. */
async function pathWith(interpreter: string): Promise<string> {
  const dir = await tempDir();
  await mkdir(path.join(dir, 'bin'));
  await symlink(interpreter, path.join(dir, 'bin', 'python3'));
  return path.join(dir, 'bin');
}

describe('no backend .venv: deciding from the filesystem whether a PATH Python has supabase', () => {
  it('a PATH Python without supabase: skipped without starting it', async () => {
    const backendDir = await makeBackend();
    dirs.push(backendDir);
    const bin = await pathWith(await barePython(await tempDir()));
    vi.stubEnv('PATH', bin);
    vi.stubEnv('PYTHONPATH', '');
    vi.stubEnv('HOME', await tempDir());

    expect(await pathPythons(['python3', 'python'])).toEqual({ kind: 'without-supabase', found: [path.join(bin, 'python3')] });
    const result = await probePythonBackend({ backendDir });
    // Not compiled: no interpreter ran.
    expect(result).toMatchObject({ status: 'skipped', compiled: false, python: path.join(bin, 'python3') });
    if (result.status === 'skipped')
      expect(result.reason).toMatch(/^not compiled or imported: no backend \.venv, and no supabase package for python3 and python on PATH/);
  });

  it('a PATH Python with supabase installed (a virtualenv on PATH): the probe runs it', async () => {
    const backendDir = await makeBackend();
    dirs.push(backendDir);
    vi.stubEnv('PATH', path.dirname(python));

    expect(await pathPythons(['python3'])).toEqual({ kind: 'maybe' });
    expect(await probePythonBackend({ backendDir })).toMatchObject({ status: 'ok' });
  });

  it('supabase on PYTHONPATH or in the user site counts as installed', async () => {
    vi.stubEnv('PATH', await pathWith(await barePython(await tempDir())));
    const extra = await tempDir();
    await mkdir(path.join(extra, 'supabase'));
    vi.stubEnv('PYTHONPATH', extra);
    expect(await pathPythons(['python3'])).toEqual({ kind: 'maybe' });

    vi.stubEnv('PYTHONPATH', '');
    const home = await tempDir();
    await mkdir(path.join(home, '.local', 'lib', 'python3.12', 'site-packages', 'supabase'), { recursive: true });
    vi.stubEnv('HOME', home);
    expect(await pathPythons(['python3'])).toEqual({ kind: 'maybe' });
  });

  it('nothing on PATH', async () => {
    vi.stubEnv('PATH', await tempDir());
    expect(await pathPythons(['python3', 'python'])).toEqual({ kind: 'none' });
  });
});
