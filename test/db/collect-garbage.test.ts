import { runInNewContext } from 'node:vm';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/db/collect-garbage.js';

/** A WeakRef to an object (of 8 MB) that nothing else holds. */
const unreachable = () => new WeakRef({ text: 'x'.repeat(8 << 20) });

describe('collectGarbage', () => {
  it('frees what nothing reaches any more, now', async () => {
    const ref = unreachable();
    // A WeakRef keeps its target until the turn that made it ends.
    await nextTurn();
    collectGarbage();
    expect(ref.deref()).toBeUndefined();
  });

  it('keeps what is still reached', async () => {
    const held = { text: 'kept' };
    const ref = new WeakRef(held);
    await nextTurn();
    collectGarbage();
    expect(ref.deref()).toBe(held);
  });

  it('leaves no gc global behind, in this context or a new one', () => {
    collectGarbage();
    expect('gc' in globalThis).toBe(false);
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
