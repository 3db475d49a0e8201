import { describe, expect, it } from 'vitest';
import { openPreparedEngine, type EngineLimits } from '../../src/db/engine-cache.js';

async function walLevel(limits: EngineLimits): Promise<string> {
  const { engine } = await openPreparedEngine('current', { limits });
  try {
    return (await engine.query<{ wal_level: string }>('show wal_level'))[0]!.wal_level;
  } finally {
    await engine.close();
  }
}

/** How much WAL an engine writes for `count` files of a table each, each file committed on its own. */
async function walPerCommittedFile(limits: EngineLimits, count: number): Promise<number> {
  const { engine } = await openPreparedEngine('current', { limits });
  try {
    const [start] = await engine.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
    for (let n = 0; n < count; n++) {
      await engine.exec(`begin; create table public.t${n} (id bigint primary key, note text); commit`);
    }
    const [bytes] = await engine.query<{ n: string }>(`select pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::text as n`, [start!.lsn]);
    return Number(bytes!.n) / count;
  } finally {
    await engine.close();
  }
}

describe("the embedded engine's write-ahead log", () => {
  it('is minimal unless the work commits file by file in memory', async () => {
    expect(await walLevel({})).toBe('minimal');
    expect(await walLevel({ commitsFileByFile: true })).toBe('replica');
    // On disk (a large repo) minimal stays: a bulk load into a table the same file made is not logged.
    expect(await walLevel({ commitsFileByFile: true, dataOnDisk: true })).toBe('minimal');
  });

  it('is smaller with every change logged when small files each commit', async () => {
    const minimal = await walPerCommittedFile({}, 40);
    const replica = await walPerCommittedFile({ commitsFileByFile: true }, 40);
    // Minimal WAL logs each new table's pages whole when its transaction commits.
    expect(replica).toBeLessThan(minimal);
  });
});
