import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { access, chmod, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { builtBin, removeTempDirs, repoRoot, snapshotTree, tempCopy } from '../helpers/fixtures.js';
import { runBin } from '../helpers/run-bin.js';

afterAll(removeTempDirs);

/**
 * Interrupting generate at every write step. Apply's test hook (CREATE_SAAS_DB_PAUSE_AT) stops
 * the run before or after a given write until the test removes a marker file, so each signal
 * lands at exactly that step. The run: the guide monorepo with a seed.sql of the user's own and
 * --force, so that it creates files and directories, updates package.json and overwrites a file
 * with a .bak backup.
 */
const RUN = ['--yes', '--no-install', '--no-types', '--naming', 'sequential', '--force'];
const OTHER_RUN = ['--yes', '--no-install', '--no-types', '--naming', 'sequential', '--tiers', 'free,pro'];
const JOURNAL = '.scaffolding/journal.json';
const PTY_DRIVE = path.join(repoRoot, 'test', 'helpers', 'pty_drive.py');

async function freshTarget(): Promise<string> {
  const target = await tempCopy('phase03-monorepo');
  await writeFile(path.join(target, 'supabase/seed.sql'), '-- the team seed\n');
  return target;
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  for (let waited = 0; !(await check()); waited += 20) {
    if (waited > 60_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function spawnBin(args: readonly string[], env: Record<string, string>) {
  return execa(process.execPath, [builtBin, ...args], { reject: false, stdin: 'ignore', timeout: 100_000, env });
}

interface PausedRun {
  readonly child: ReturnType<typeof spawnBin>;
  readonly stderr: () => string;
  /** Waits until the run is paused at `step`; returns its pid. */
  reach(step: string): Promise<number>;
  release(step: string): Promise<void>;
  done(): Promise<{ exitCode: number; stderr: string; stdout: string }>;
}

async function startPaused(target: string, steps: string[], args = RUN, env: Record<string, string> = {}): Promise<PausedRun> {
  const markers = await tempCopy(null);
  const child = spawnBin([target, ...args], { CI: 'true', CREATE_SAAS_DB_PAUSE_AT: `${steps.join(',')}@${markers}`, ...env });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return {
    child,
    stderr: () => stderr,
    async reach(step) {
      const marker = path.join(markers, step);
      await until(`step ${step}`, () => exists(marker) || child.exitCode !== null);
      expect(child.exitCode, `exited before ${step}: ${stderr}`).toBeNull();
      return Number.parseInt(await readFile(marker, 'utf8'), 10);
    },
    release: (step) => rm(path.join(markers, step), { force: true }),
    async done() {
      const result = await child;
      return { exitCode: result.exitCode ?? -1, stderr, stdout: String(result.stdout) };
    },
  };
}

/** Runs `work` for each item, two at a time (the machine is shared). */
async function eachInPairs<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all([worker(), worker()]);
}

let original: Map<string, string>;
let uninterrupted: Map<string, string>;
let otherRunOnly: Map<string, string>;
let steps: string[];

beforeAll(async () => {
  const target = await freshTarget();
  original = await snapshotTree(target);
  const run = await runBin([target, ...RUN, '--json']);
  expect(run.exitCode, run.stderr).toBe(0);
  const report = JSON.parse(run.stdout) as { files: Array<{ status: string }> };
  const writes = report.files.filter((f) => ['create', 'update', 'overwrite'].includes(f.status)).length;
  expect(report.files.map((f) => f.status)).toEqual(expect.arrayContaining(['create', 'update', 'overwrite']));
  steps = Array.from({ length: writes }, (_, i) => [`before-${i + 1}`, `after-${i + 1}`]).flat();
  uninterrupted = await snapshotTree(target);
  const other = await freshTarget();
  const otherRun = await runBin([other, ...OTHER_RUN]);
  expect(otherRun.exitCode, otherRun.stderr).toBe(3); // the user's seed.sql is a conflict without --force
  otherRunOnly = await snapshotTree(other);
});

describe('interrupting generate at every write step', () => {
  it.each([['SIGINT'], ['SIGTERM'], ['SIGHUP']] as const)(
    '%s: every change is undone, exit 130, no temp file or journal left',
    async (signal) => {
      await eachInPairs(steps, async (step) => {
        const target = await freshTarget();
        const run = await startPaused(target, [step]);
        process.kill(await run.reach(step), signal);
        await run.release(step);
        const result = await run.done();
        expect(result.exitCode, `${step}: ${result.stderr}`).toBe(130);
        expect(result.stderr, step).toContain('create-saas-db: interrupted: every change of this run was undone');
        expect(await snapshotTree(target), step).toEqual(original);
      });
    },
  );

  it('a terminal that closes mid-run (SIGHUP, then every write to it failing): every change is undone', async () => {
    const step = steps[Math.floor(steps.length / 2)]!;
    const target = await freshTarget();
    const markers = await tempCopy(null);
    const marker = path.join(markers, step);
    const result = await execa(
      'python3',
      [
        PTY_DRIVE,
        '',
        `!sh until [ -f ${marker} ]; do sleep 0.05; done`,
        '',
        `!hangup rm -f ${marker}`,
        '--',
        process.execPath,
        builtBin,
        target,
        ...RUN,
      ],
      { reject: false, timeout: 100_000, env: { CREATE_SAAS_DB_PAUSE_AT: `${step}@${markers}` } },
    );
    // The run ended (the driver reports its status) with its changes undone. Its exit status is
    // not asserted: once the terminal is gone, Node 20 itself fails while exiting, restoring the
    // terminal's settings (node::ResetStdio), after the run's own work is over.
    expect(result.stdout.trim().split('\n').at(-1), result.stderr).toMatch(/^-?\d+$/);
    expect(await snapshotTree(target)).toEqual(original);
  });

  it('SIGINT twice: the second one does not stop the undo', async () => {
    await eachInPairs(steps, async (step) => {
      const target = await freshTarget();
      const run = await startPaused(target, [step, 'undo']);
      const pid = await run.reach(step);
      process.kill(pid, 'SIGINT');
      await run.release(step);
      await run.reach('undo');
      process.kill(pid, 'SIGINT');
      await until('the second signal to be acknowledged', () => run.stderr().includes('finishing what was started'));
      await run.release('undo');
      const result = await run.done();
      expect(result.exitCode, `${step}: ${result.stderr}`).toBe(130);
      expect(result.stderr, step).toContain('create-saas-db: interrupted: every change of this run was undone');
      expect(await snapshotTree(target), step).toEqual(original);
    });
  });

  it('SIGKILL, then a plain rerun: exactly the tree of an uninterrupted run', async () => {
    await eachInPairs(steps, async (step) => {
      const target = await freshTarget();
      const run = await startPaused(target, [step]);
      process.kill(await run.reach(step), 'SIGKILL');
      await run.done();
      expect(await exists(path.join(target, JOURNAL)), step).toBe(true);
      const rerun = await runBin([target, ...RUN]);
      expect(rerun.exitCode, `${step}: ${rerun.stderr}`).toBe(0);
      expect(rerun.stderr, step).toMatch(
        /^create-saas-db: undid an interrupted run \(pid \d+, started .+\): \d+ change\(s\) reverted, continuing$/,
      );
      expect(await snapshotTree(target), step).toEqual(uninterrupted);
    });
  });

  it('SIGKILL, then a rerun with other options: the original tree plus that run', async () => {
    await eachInPairs(steps, async (step) => {
      const target = await freshTarget();
      const run = await startPaused(target, [step]);
      process.kill(await run.reach(step), 'SIGKILL');
      await run.done();
      const rerun = await runBin([target, ...OTHER_RUN]);
      expect(rerun.exitCode, `${step}: ${rerun.stderr}`).toBe(3);
      expect(rerun.stderr, step).toContain('create-saas-db: undid an interrupted run');
      expect(await snapshotTree(target), step).toEqual(otherRunOnly);
    });
  });

  it('a third SIGINT while undoing exits 130 naming the files to check; the next run undoes the rest', async () => {
    const target = await freshTarget();
    const run = await startPaused(target, ['after-8', 'undo']);
    const pid = await run.reach('after-8');
    process.kill(pid, 'SIGINT');
    await run.release('after-8');
    await run.reach('undo');
    process.kill(pid, 'SIGINT');
    await until('the second signal to be acknowledged', () => run.stderr().includes('finishing what was started'));
    process.kill(pid, 'SIGINT');
    const result = await run.done();
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(
      /interrupted again while undoing; check .*supabase\/migrations\/00001_initial_schema\.sql.*: the next run undoes the rest \(\.scaffolding\/journal\.json\)/,
    );
    expect(await exists(path.join(target, JOURNAL))).toBe(true);
    const rerun = await runBin([target, ...RUN]);
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('undid an interrupted run');
    expect(await snapshotTree(target)).toEqual(uninterrupted);
  });

  it('a signal after the last write: the run is complete, "done: nothing to undo", exit 130', async () => {
    const target = await freshTarget();
    const run = await startPaused(target, ['done']);
    process.kill(await run.reach('done'), 'SIGINT');
    await run.release('done');
    const result = await run.done();
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('create-saas-db: interrupted after the last write: done: nothing to undo');
    expect(result.stdout).toContain(`→ ${target}`); // the report is still printed
    expect(await snapshotTree(target)).toEqual(uninterrupted);
  });
});

describe('interrupting the dependency install', () => {
  /** A stand-in pnpm on PATH that starts a child, records both pids and waits. */
  async function slowPackageManager(): Promise<string> {
    const binDir = await tempCopy(null);
    // Each pid file is renamed into place, so the test never reads one half-written.
    const script = `#!/bin/sh\necho $$ > ${binDir}/pm.pid.tmp && mv ${binDir}/pm.pid.tmp ${binDir}/pm.pid\nsleep 300 &\necho $! > ${binDir}/child.pid.tmp && mv ${binDir}/child.pid.tmp ${binDir}/child.pid\nwait\n`;
    await writeFile(path.join(binDir, 'pnpm'), script);
    await chmod(path.join(binDir, 'pnpm'), 0o755);
    return binDir;
  }

  /** Running, and not a zombie waiting to be reaped. */
  async function alive(pid: number): Promise<boolean> {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    return stat !== null && !/^\d+ \(.*\) Z/.test(stat);
  }

  it('SIGINT stops the package manager and everything it started, reports the state, exit 130', async () => {
    const target = await freshTarget();
    const binDir = await slowPackageManager();
    const run = await startPaused(
      target,
      ['done'],
      RUN.filter((a) => a !== '--no-install'),
      { PATH: `${binDir}:${process.env['PATH']}` },
    );
    const pid = await run.reach('done');
    await run.release('done');
    await until('the package manager to start', () => exists(path.join(binDir, 'child.pid')));
    const pm = Number.parseInt(await readFile(path.join(binDir, 'pm.pid'), 'utf8'), 10);
    const child = Number.parseInt(await readFile(path.join(binDir, 'child.pid'), 'utf8'), 10);
    expect(await alive(child)).toBe(true);
    process.kill(pid, 'SIGINT');
    const result = await run.done();
    expect(result.exitCode, result.stderr).toBe(130);
    expect(result.stderr).toMatch(
      /interrupted during `pnpm install`: the \d+ file\(s\) of this run are written; interrupted: the package manager and its processes were stopped; to finish, run `pnpm install` in .*apps\/web/,
    );
    expect(result.stderr).toContain(`the ${steps.length / 2} file(s)`);
    expect(await alive(pm)).toBe(false);
    expect(await alive(child)).toBe(false);
    expect(await snapshotTree(target)).toEqual(uninterrupted);
  });
});

describe('output that has nowhere to go', () => {
  it('a reader that has gone (`| head`) ends the run quietly: exit 0, no error', async () => {
    const target = await tempCopy(null);
    const child = execa(process.execPath, [builtBin, target, '--yes', '--dry-run', '--no-install'], {
      reject: false,
      stdin: 'ignore',
      env: { CI: 'true' },
    });
    child.stdout?.destroy();
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(String(result.stderr)).not.toContain('EPIPE');
  });
});
