import { access, constants } from 'node:fs/promises';
import path from 'node:path';

export interface PythonCandidate {
  /** Path or command name to run. */
  readonly command: string;
  /** Where it came from, for skip reasons. */
  readonly source: 'given' | 'venv' | 'path';
}

/**
 * The interpreters to try, in order: the given one alone; else the backend's `.venv`, then
 * python3 and python on PATH.
 */
export async function pythonCandidates(backendDir: string, given?: string): Promise<PythonCandidate[]> {
  if (given) return [{ command: given, source: 'given' }];
  const venvPython =
    process.platform === 'win32'
      ? path.join(backendDir, '.venv', 'Scripts', 'python.exe')
      : path.join(backendDir, '.venv', 'bin', 'python');
  const candidates: PythonCandidate[] = [];
  if (await isExecutable(venvPython)) candidates.push({ command: venvPython, source: 'venv' });
  candidates.push({ command: 'python3', source: 'path' }, { command: 'python', source: 'path' });
  return candidates;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
