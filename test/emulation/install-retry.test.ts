import { describe, expect, it } from 'vitest';
import type { SqlEngine } from '../../src/db/engine.js';
import { SqlError } from '../../src/db/sql-error.js';
import { runBatchesInTurn, runStepsInTurn } from '../../src/db/sql-steps.js';
import { databaseFiles, EmulationInstallError, installEmulation } from '../../src/emulation/install.js';

/** An engine that records each script and fails the first `failures` runs of 30_storage.sql. */
function engineFailingStorage(failures: number, error: () => Error) {
  const storage = databaseFiles().find((f) => f.name === '30_storage.sql')!;
  const scripts: string[] = [];
  let left = failures;
  const engine: SqlEngine = {
    kind: 'postgres',
    async exec(sql) {
      scripts.push(sql);
      if (sql === storage.sql && left > 0) {
        left -= 1;
        throw error();
      }
    },
    query: async <T>() => [{ present: false }] as T[],
    runSteps: (steps) => runStepsInTurn(engine, steps),
    runBatches: (batches) => runBatchesInTurn(engine, batches),
    close: async () => undefined,
  };
  return { engine, storageRuns: () => scripts.filter((s) => s === storage.sql).length, scripts };
}

const concurrentUpdate = () => new SqlError('tuple concurrently updated', 'XX000', undefined);

describe('installing the emulation while another install updates the same role rows', () => {
  it('runs a file that failed with "tuple concurrently updated" again, and goes on', async () => {
    const run = engineFailingStorage(2, concurrentUpdate);
    await installEmulation(run.engine, { loginRoles: true });
    expect(run.storageRuns()).toBe(3);
    for (const f of databaseFiles()) expect(run.scripts).toContain(f.sql);
  });

  it('gives up after three attempts, naming the file', async () => {
    const run = engineFailingStorage(3, concurrentUpdate);
    await expect(installEmulation(run.engine, { loginRoles: true })).rejects.toThrow(
      new EmulationInstallError('30_storage.sql', concurrentUpdate()),
    );
    expect(run.storageRuns()).toBe(3);
  });

  it('runs no file again for any other error', async () => {
    const run = engineFailingStorage(1, () => new SqlError('permission denied for schema storage', '42501', undefined));
    await expect(installEmulation(run.engine, { loginRoles: true })).rejects.toThrow(/30_storage\.sql does not install: permission denied/);
    expect(run.storageRuns()).toBe(1);
  });
});
