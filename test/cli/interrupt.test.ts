import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runInterruptible, STOP_SIGNALS } from '../../src/cli/interrupt.js';
import { repoRoot } from '../helpers/fixtures.js';

const listeners = () => STOP_SIGNALS.reduce((count, name) => count + process.listenerCount(name), 0);
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
const baseline = listeners();

afterEach(() => {
  expect(listeners()).toBe(baseline);
});

describe('runInterruptible', () => {
  it.each(STOP_SIGNALS)('%s aborts the task as Ctrl-C does', async (name) => {
    const run = runInterruptible(async (signal) => {
      await tick();
      process.emit(name);
      await tick();
      return signal.aborted;
    });
    expect(await run).toEqual({ kind: 'finished', value: true });
  });

  it("the bins' guard, set before the command loads, listens for the same signals", async () => {
    const { guardSignals } = (await import(path.join(repoRoot, 'bin', 'signals.js'))) as {
      guardSignals: (name: string, message: string) => unknown;
    };
    const before = new Map(STOP_SIGNALS.map((name) => [name, process.listeners(name)]));
    guardSignals('test', 'interrupted');
    try {
      for (const name of STOP_SIGNALS) expect(process.listenerCount(name), name).toBe(before.get(name)!.length + 1);
    } finally {
      for (const name of STOP_SIGNALS) {
        for (const listener of process.listeners(name)) if (!before.get(name)!.includes(listener)) process.off(name, listener);
      }
    }
  });

  it('without a signal: the task result', async () => {
    expect(await runInterruptible(async (signal) => signal.aborted)).toEqual({ kind: 'finished', value: false });
  });

  it('without a cleanup, the first signal aborts the task and waits for it to settle', async () => {
    const run = runInterruptible(async (signal) => {
      await tick();
      process.emit('SIGTERM');
      await tick();
      if (signal.aborted) throw new Error('undone');
      return 'done';
    });
    await expect(run).rejects.toThrow('undone');
  });

  it('with a cleanup, the first signal runs it and stops waiting for a task that hangs', async () => {
    const cleaned: string[] = [];
    const run = runInterruptible(
      () => new Promise<never>(() => process.emit('SIGINT')),
      async () => {
        cleaned.push('database');
        return [{ label: 'role anon', error: new Error('busy') }];
      },
    );
    expect(await run).toEqual({ kind: 'interrupted', failures: [{ label: 'role anon', error: new Error('busy') }] });
    expect(cleaned).toEqual(['database']);
  });

  it('with a cleanup under way, what the abandoned task does no longer counts', async () => {
    let finishCleanup: () => void = () => undefined;
    const run = runInterruptible(
      async () => {
        process.emit('SIGINT');
        throw new Error('connection terminated');
      },
      () => new Promise((resolve) => (finishCleanup = () => resolve([]))),
    );
    await tick();
    finishCleanup();
    expect(await run).toEqual({ kind: 'interrupted', failures: [] });
  });

  it('a second signal ends the wait, for the cleanup or for the task', async () => {
    const hanging = runInterruptible(
      () => new Promise<never>(() => undefined),
      () => new Promise<never>(() => undefined),
    );
    process.emit('SIGINT');
    process.emit('SIGINT');
    expect(await hanging).toEqual({ kind: 'interrupted-again' });

    const undoing = runInterruptible(() => new Promise<never>(() => undefined));
    process.emit('SIGTERM');
    await tick();
    process.emit('SIGTERM');
    expect(await undoing).toEqual({ kind: 'interrupted-again' });
  });
});
