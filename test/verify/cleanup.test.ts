import { describe, expect, it } from 'vitest';
import { CleanupStartedError, Cleanups } from '../../src/verify/cleanup.js';

describe('Cleanups', () => {
  it('runs each undo once, keeps the others going when one fails, and names what failed', async () => {
    const cleanups = new Cleanups();
    const ran: string[] = [];
    const dropA = cleanups.add(async () => void ran.push('a'), 'database verify_a');
    cleanups.add(async () => {
      ran.push('b');
      throw new Error('connection refused');
    }, 'database verify_b');
    cleanups.add(async () => void ran.push('c'), 'database verify_c');
    expect(cleanups.pendingLabels()).toEqual(['database verify_a', 'database verify_b', 'database verify_c']);

    await dropA();
    expect(cleanups.pendingLabels()).toEqual(['database verify_b', 'database verify_c']);
    const failures = await cleanups.runAll();
    expect(failures).toEqual([{ label: 'database verify_b', error: new Error('connection refused') }]);
    expect(ran).toEqual(['a', 'c', 'b']);
    expect(await cleanups.runAll()).toEqual([]);
    expect(ran).toEqual(['a', 'c', 'b']);
  });

  it('undoes the last registered first, one at a time: a database goes before the roles it was created with', async () => {
    const cleanups = new Cleanups();
    const events: string[] = [];
    const undo = (label: string) => async () => {
      events.push(`start ${label}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`end ${label}`);
    };
    cleanups.add(undo('roles'), 'role anon');
    cleanups.add(undo('database'), 'database verify_a');
    await cleanups.runAll();
    expect(events).toEqual(['start database', 'end database', 'start roles', 'end roles']);
  });

  it('refuses new registrations once the cleanup has begun, so abandoned work creates nothing more', async () => {
    const cleanups = new Cleanups();
    const running = cleanups.runAll();
    const undo = async () => undefined;
    expect(() => cleanups.add(undo, 'database verify_late')).toThrow(CleanupStartedError);
    expect(() => cleanups.add(undo, 'database verify_late')).toThrow('interrupted: database verify_late was not created');
    await running;
    expect(cleanups.pendingLabels()).toEqual([]);
  });

  it('lists an undo as pending until it finishes', async () => {
    const cleanups = new Cleanups();
    let finish: () => void = () => undefined;
    const drop = cleanups.add(() => new Promise<void>((resolve) => (finish = resolve)), 'database verify_slow');
    const running = drop();
    expect(cleanups.pendingLabels()).toEqual(['database verify_slow']);
    finish();
    await running;
    expect(cleanups.pendingLabels()).toEqual([]);
  });
});
