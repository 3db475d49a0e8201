import { execa } from 'execa';
import path from 'node:path';
import { packageRoot } from '../package-root.js';
import { PYTHON_SUPABASE_REQUIREMENT } from '../plan/dependency-versions.js';
import { pythonCandidates, type PythonCandidate } from './find-python.js';
import { pathPythons } from './supabase-installed.js';
import type { PythonCallMismatch, PythonProbeOptions, PythonProbeResult } from './types.js';

const DEFAULT_MODULE = 'src/database.py';
const PROBE_URL = 'http://127.0.0.1:54321';
const PROBE_KEY = 'probe-service-role-key';

/** The Python side of the probe, shipped with the package (see its docstring for the protocol). */
export const PROBE_SCRIPT = path.join(packageRoot, 'resources', 'python', 'probe.py');
/** Printed by probe.py before its one-line JSON answer (the same constant there). */
export const RESULT_MARKER = '__CREATE_SAAS_DB_PYTHON_PROBE__';

/**
 * Proves the backend's database module: it compiles; and, when a Python with `supabase` is
 * available, it imports with its settings and every DatabaseService method sends the expected
 * PostgREST request (observed through an httpx mock transport: no network).
 */
export async function probePythonBackend(options: PythonProbeOptions): Promise<PythonProbeResult> {
  const backendDir = path.resolve(options.backendDir);
  const moduleFile = (options.moduleFile ?? DEFAULT_MODULE).split(path.sep).join('/');
  const settings = options.settings ?? { urlSetting: 'SUPABASE_URL', keySetting: 'SUPABASE_SERVICE_ROLE_KEY' };
  const input = JSON.stringify({
    backendDir,
    moduleFile,
    moduleName: moduleFile.replace(/\.py$/, '').split('/').join('.'),
    expectedUrl: PROBE_URL,
    expectedKey: PROBE_KEY,
  });

  const candidates = await pythonCandidates(backendDir, options.python);
  const obvious = await obviousSkip(candidates);
  if (obvious) return obvious;
  for (const candidate of candidates) {
    const run = await runProbe(candidate, backendDir, input, settings);
    if (run.kind === 'not-found') {
      if (candidate.source === 'given') return skipped(`Python not found at ${candidate.command}`, false, null);
      continue;
    }
    if (run.kind === 'failed') return { status: 'probe-failed', python: candidate.command, message: run.message };
    return interpret(run.answer, candidate, moduleFile);
  }
  return skipped(NO_PYTHON, false, null);
}

const NO_PYTHON = 'no Python interpreter found (looked for the backend .venv, python3, python)';

/**
 * Without a given interpreter or a backend .venv, the probe would only start a PATH Python to
 * learn that `supabase` is not installed: decided from the filesystem instead when that is plain.
 */
async function obviousSkip(candidates: readonly PythonCandidate[]): Promise<PythonProbeResult | null> {
  if (candidates.some((c) => c.source !== 'path')) return null;
  const found = await pathPythons(candidates.map((c) => c.command));
  if (found.kind === 'none') return skipped(NO_PYTHON, false, null);
  if (found.kind === 'maybe') return null;
  const names = candidates.map((c) => c.command).join(' and ');
  return skipped(
    `not compiled or imported: no backend .venv, and no supabase package for ${names} on PATH: create the backend's .venv with supabase (pip install "${PYTHON_SUPABASE_REQUIREMENT}") or pass --python`,
    false,
    found.found[0] ?? null,
  );
}

type ProbeRun = { kind: 'not-found' } | { kind: 'failed'; message: string } | { kind: 'answered'; answer: ProbeAnswer };

type ProbeAnswer =
  | { status: 'ok'; checked: string[] }
  | { status: 'missing-file'; message: string }
  | { status: 'compile-error'; line: number | null; column: number | null; message: string }
  | { status: 'no-supabase'; message: string }
  | { status: 'import-error'; message: string; traceback: string }
  | { status: 'mismatch'; mismatches: PythonCallMismatch[] }
  | { status: 'probe-failed'; message: string; traceback: string };

async function runProbe(
  candidate: PythonCandidate,
  backendDir: string,
  input: string,
  settings: { urlSetting: string; keySetting: string },
): Promise<ProbeRun> {
  const result = await execa(candidate.command, ['-B', PROBE_SCRIPT, input], {
    cwd: backendDir,
    reject: false,
    // Settings modules validate required variables at import; the probe's values always win so a
    // developer's real credentials are never used (no request leaves the mock transport anyway).
    env: {
      SUPABASE_URL: PROBE_URL,
      SUPABASE_SERVICE_ROLE_KEY: PROBE_KEY,
      SUPABASE_SECRET_KEY: PROBE_KEY,
      JWT_SECRET: 'probe-jwt-secret-at-least-32-characters-long',
      [settings.urlSetting]: PROBE_URL,
      [settings.keySetting]: PROBE_KEY,
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONIOENCODING: 'utf-8',
    },
    timeout: 120_000,
  });
  if ((result as { code?: string }).code === 'ENOENT') return { kind: 'not-found' };
  const line = String(result.stdout)
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_MARKER));
  if (!line) {
    const why = result.timedOut ? 'timed out' : `exited with ${result.exitCode ?? result.signal}`;
    return { kind: 'failed', message: `${candidate.command} ${why} without an answer: ${lastLines(String(result.stderr))}` };
  }
  try {
    return { kind: 'answered', answer: JSON.parse(line.slice(RESULT_MARKER.length)) as ProbeAnswer };
  } catch (error) {
    return { kind: 'failed', message: `unreadable answer from ${candidate.command}: ${(error as Error).message}` };
  }
}

function interpret(answer: ProbeAnswer, candidate: PythonCandidate, moduleFile: string): PythonProbeResult {
  const python = candidate.command;
  switch (answer.status) {
    case 'ok':
      return { status: 'ok', python, checked: answer.checked };
    case 'missing-file':
      return { status: 'missing-file', file: moduleFile };
    case 'compile-error':
      return { status: 'compile-error', python, file: moduleFile, line: answer.line, column: answer.column, message: answer.message };
    case 'no-supabase':
      return skipped(noSupabaseReason(candidate, answer.message), true, python);
    case 'import-error':
      return { status: 'import-error', python, message: answer.message, traceback: answer.traceback };
    case 'mismatch':
      return { status: 'mismatch', python, mismatches: answer.mismatches };
    case 'probe-failed':
      return { status: 'probe-failed', python, message: `${answer.message}\n${answer.traceback}` };
  }
}

function noSupabaseReason(candidate: PythonCandidate, message: string): string {
  const where = candidate.source === 'path' ? `${candidate.command} on PATH (no backend .venv)` : candidate.command;
  return `${where} cannot import supabase and httpx (${message}): install them (pip install "${PYTHON_SUPABASE_REQUIREMENT}") or pass a Python that has them`;
}

function skipped(reason: string, compiled: boolean, python: string | null): PythonProbeResult {
  return { status: 'skipped', reason, compiled, python };
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join('\n') || '(no output)';
}
