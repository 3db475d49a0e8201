import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PackageManager } from '../detect/facts.js';
import type { InstallOutcome } from '../report/generate-report.js';

/** How long the package manager's processes get to stop after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5000;

/** How many of the last output lines a failed install shows in the report. */
const FAILURE_TAIL_LINES = 15;

/**
 * Runs `<pm> install` in the app directory. Its output (stdout and stderr, interleaved) goes to a
 * log file, not the terminal: the report stays readable, and a failure shows its last lines and
 * the log's path. The log lives in the OS temp dir, never in the repo: the target only ever
 * gets the files the plan lists. The package manager runs in a process group of its own, so that
 * an abort (`signal`) stops it and every process it started, and is waited for: nothing keeps
 * writing node_modules after we exit.
 */
export async function installDependencies(pm: PackageManager, appDir: string, signal?: AbortSignal): Promise<InstallOutcome> {
  const { execa } = await import('execa');
  const command = `${pm} install`;
  const none = { log: null, tail: [] };
  if (signal?.aborted) return { command, ok: false, skipped: null, error: interruptedError(command, appDir, false), ...none };
  const log = path.join(await mkdtemp(path.join(os.tmpdir(), 'create-saas-db-install-')), 'install.log');
  try {
    const subprocess = execa(pm, ['install'], {
      cwd: appDir,
      stdin: 'ignore',
      stdout: ['pipe', { file: log }],
      stderr: ['pipe', { file: log, append: true }],
      all: true,
      reject: false,
      detached: true,
    });
    let stopping: Promise<void> | null = null;
    const stop = () => {
      if (subprocess.pid !== undefined) stopping = stopGroup(subprocess.pid, subprocess);
    };
    signal?.addEventListener('abort', stop, { once: true });
    const result = await subprocess;
    signal?.removeEventListener('abort', stop);
    const lines = String(result.all ?? '')
      .split('\n')
      .filter((line) => line.trim() !== '');
    const tail = lines.slice(-FAILURE_TAIL_LINES);
    if (stopping !== null) {
      await stopping;
      return { command, ok: false, skipped: null, error: interruptedError(command, appDir, true), log, tail };
    }
    if (result.exitCode === 0) return { command, ok: true, skipped: null, error: null, log, tail: [] };
    const summary = lines.slice(-5).join(' | ');
    return {
      command,
      ok: false,
      skipped: null,
      error: `exit ${result.exitCode ?? result.signal}${summary ? `: ${summary}` : ''} (in ${path.resolve(appDir)})`,
      log,
      tail,
    };
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const message = missing
      ? `${pm} is not installed: install it (e.g. \`corepack enable\`) or pass --no-install`
      : ((error as Error).message.split('\n')[0] ?? 'failed');
    return { command, ok: false, skipped: null, error: message, ...none };
  }
}

function interruptedError(command: string, appDir: string, started: boolean): string {
  const what = started ? 'interrupted: the package manager and its processes were stopped' : 'interrupted before it started';
  return `${what}; to finish, run \`${command}\` in ${path.resolve(appDir)}`;
}

/** SIGTERM to the whole group, SIGKILL after a grace period, then waits until no member is left. */
async function stopGroup(pgid: number, leader: Promise<unknown>): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  await Promise.race([leader, sleep(STOP_GRACE_MS)]);
  // Bounded: a member that cannot be killed (a zombie no one reaps) must not hang the exit.
  while (groupAlive(pgid) && Date.now() < deadline + STOP_GRACE_MS) {
    if (Date.now() >= deadline) signalGroup(pgid, 'SIGKILL');
    await sleep(50);
  }
}

function signalGroup(pgid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pgid, name);
  } catch {
    // The group is already gone.
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
