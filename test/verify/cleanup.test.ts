import { describe, expect, it } from 'vitest';
import { Cleanups } from '../../src/verify/cleanup.js';

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
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(await cleanups.runAll()).toEqual([]);
    expect(ran).toEqual(['a', 'b', 'c']);
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
