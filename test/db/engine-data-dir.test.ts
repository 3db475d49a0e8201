import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { openPreparedEngine } from '../../src/db/engine-cache.js';
import { ENGINE_DATA_DIR_PREFIX } from '../../src/db/engine-data-dir.js';

const gone = (dir: string) => vi.waitFor(() => expect(existsSync(dir)).toBe(false), { timeout: 10_000, interval: 50 });

/** An engine that keeps its data directory on disk: where it is, and that it goes however the engine ends. */
describe('the embedded engine with its data on disk', () => {
  it('runs from a directory of its own, with fewer shared buffers, removed when it closes', async () => {
    const { engine } = await openPreparedEngine('current', { limits: { dataOnDisk: true } });
    const dir = engine.dataDir!;
    try {
      expect(dir.startsWith(path.join(os.tmpdir(), ENGINE_DATA_DIR_PREFIX))).toBe(true);
      expect(readdirSync(dir)).toContain('PG_VERSION');
      expect((await engine.query<{ shared_buffers: string }>('show shared_buffers'))[0]!.shared_buffers).toBe('4MB');
      await engine.exec('create table public.on_disk as select g as id from generate_series(1, 1000) g');
      expect((await engine.query<{ n: number }>('select count(*)::int as n from public.on_disk'))[0]!.n).toBe(1000);
    } finally {
      await engine.close();
    }
    // close() settles once the thread has ended: the directory is gone by then, not later.
    expect(existsSync(dir)).toBe(false);
    expect(engine.dataDir).toBeNull();
  });

  it("keeps it in memory, with the image's shared buffers, unless asked", async () => {
    const { engine } = await openPreparedEngine('current');
    try {
      expect(engine.dataDir).toBeNull();
      expect((await engine.query<{ shared_buffers: string }>('show shared_buffers'))[0]!.shared_buffers).toBe('16MB');
    } finally {
      await engine.close();
    }
  });

  it('removes it when a statement runs past the time limit', async () => {
    const { engine } = await openPreparedEngine('current', { limits: { dataOnDisk: true, statementTimeoutMs: 1_000 } });
    const dir = engine.dataDir!;
    expect(existsSync(dir)).toBe(true);
    await expect(engine.exec('select pg_sleep(600)')).rejects.toThrow('statement timeout');
    // Stopped already, the engine's close() still waits for its thread to end.
    await engine.close();
    expect(existsSync(dir)).toBe(false);
  });

  it('removes it when the run is interrupted', async () => {
    const controller = new AbortController();
    const { engine } = await openPreparedEngine('current', { limits: { dataOnDisk: true, signal: controller.signal } });
    const dir = engine.dataDir!;
    const running = engine.exec('select pg_sleep(600)');
    setTimeout(() => controller.abort(), 200);
    await expect(running).rejects.toThrow('interrupted');
    await gone(dir);
  });
});
