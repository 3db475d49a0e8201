import { describe, expect, it, vi } from 'vitest';
import { createEmbeddedEngine, prestartEmbeddedEngine } from '../../src/db/engine.js';
import { SqlError } from '../../src/db/sql-error.js';

/** The embedded engine in its worker thread: what the time limit and a signal do to it. */
describe('the embedded engine', () => {
  it('past the time limit: the statement that ran is named and located, and the engine is gone', async () => {
    const engine = await createEmbeddedEngine({ statementTimeoutMs: 1_000 });
    await engine.exec('create table t (id int)');
    // Inside a transaction block, as migrations are applied: the statements run one by one.
    await engine.exec('begin');
    const script = 'insert into t values (1);\n\n-- then\ndo $$ begin loop end loop; end $$;\nselect 1;';
    const error = await engine.exec(script).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).code).toBe('57014');
    expect((error as SqlError).message).toBe(
      'statement timeout: a statement ran longer than 1 s (--statement-timeout): do $$ begin loop end loop; end $$;',
    );
    expect((error as SqlError).lineIn(script)).toBe(4);
    expect(engine.stopped).toBe('statement-timeout');
    await expect(engine.query('select 1')).rejects.toThrow('statement timeout');
    await engine.close();
  });

  it('past the time limit after a function with a BEGIN ATOMIC body: the body stayed in its statement, the later one is named', async () => {
    const engine = await createEmbeddedEngine({ statementTimeoutMs: 1_000 });
    await engine.exec('begin');
    const script = [
      'create function public.atomic_two() returns int language sql',
      'begin atomic',
      '  select 1;',
      '  select 2;',
      'end;',
      '',
      'do $$ begin loop end loop; end $$;',
      'select public.atomic_two();',
    ].join('\n');
    const error = (await engine.exec(script).catch((e: unknown) => e)) as SqlError;
    expect(error).toBeInstanceOf(SqlError);
    expect(error.message).toBe(
      'statement timeout: a statement ran longer than 1 s (--statement-timeout): do $$ begin loop end loop; end $$;',
    );
    expect(error.lineIn(script)).toBe(7);
    await engine.close();
  });

  it('a batch past the time limit keeps the rows of the steps that completed before it', async () => {
    const engine = await createEmbeddedEngine({ statementTimeoutMs: 1_000 });
    const run = await engine.runSteps([
      { kind: 'query', sql: "select 'ok 1 - first' as line" },
      { kind: 'exec', sql: 'create table t (id int)' },
      { kind: 'query', sql: 'select 1 as one, 2 as two union all select 3, 4' },
      { kind: 'query', sql: 'select pg_sleep(600)', undo: ['select 1'] },
      { kind: 'query', sql: "select 'after' as line" },
    ]);
    expect(run.rows).toEqual([
      [{ line: 'ok 1 - first' }],
      [],
      [
        { one: 1, two: 2 },
        { one: 3, two: 4 },
      ],
    ]);
    expect(run.failure?.step).toBe(3);
    expect(run.failure?.error.message).toBe(
      'statement timeout: a statement ran longer than 1 s (--statement-timeout): select pg_sleep(600)',
    );
    // The engine is gone: the undo could not run.
    expect(run.undoError?.code).toBe('57014');
    expect(engine.stopped).toBe('statement-timeout');
  });

  it("past the time limit in a step that says what it runs, names that instead of the step's first line", async () => {
    const engine = await createEmbeddedEngine({ statementTimeoutMs: 1_000 });
    const run = await engine.runSteps([
      { kind: 'exec', sql: 'select 1;\nselect pg_sleep(600)', statements: Uint32Array.of(0, 28), shownAs: 'the slow part' },
    ]);
    expect(run.failure?.error.message).toBe('statement timeout: a statement ran longer than 1 s (--statement-timeout): the slow part');
    expect(run.failure?.error.position).toBeUndefined();
    await engine.close();
  });

  it('inside a transaction, an error keeps its position in the whole script', async () => {
    const engine = await createEmbeddedEngine();
    try {
      await engine.exec('begin');
      const script = 'select 1;\nselect 2;\nselect nope;';
      const error = (await engine.exec(script).catch((e: unknown) => e)) as SqlError;
      expect(error.lineIn(script)).toBe(3);
      expect(engine.stopped).toBeNull();
    } finally {
      await engine.close();
    }
  });

  it('an aborted signal stops a statement that never ends', async () => {
    const controller = new AbortController();
    const engine = await createEmbeddedEngine({ signal: controller.signal });
    const running = engine.exec('select pg_sleep(600)');
    setTimeout(() => controller.abort(), 200);
    await expect(running).rejects.toThrow('interrupted: the embedded engine was stopped');
    expect(engine.stopped).toBe('interrupted');
  });

  it('an aborted signal within a later batch: the batches before keep their results, the one running fails, none after runs', async () => {
    const controller = new AbortController();
    const engine = await createEmbeddedEngine({ signal: controller.signal });
    await engine.exec('begin; savepoint s');
    const running = engine.runBatches([
      [{ kind: 'query', sql: 'select 1 as one' }],
      [
        { kind: 'query', sql: 'select 2 as two', undo: ['rollback to savepoint s'] },
        { kind: 'query', sql: 'select pg_sleep(600)', undo: ['rollback to savepoint s'] },
      ],
      [{ kind: 'query', sql: 'select 3' }],
    ]);
    setTimeout(() => controller.abort(), 300);
    const runs = await running;
    expect(runs[0]).toEqual({ rows: [[{ one: 1 }]], failure: null, undoError: null });
    expect(runs[1]?.rows).toEqual([[{ two: 2 }]]);
    expect(runs[1]?.failure?.step).toBe(1);
    expect(runs[1]?.failure?.error.message).toMatch(/^interrupted: the embedded engine was stopped/);
    expect(runs[1]?.undoError?.message).toMatch(/^interrupted/);
    expect(runs[2]).toBeNull();
    expect(engine.stopped).toBe('interrupted');
  });

  it('boots on a thread started before its boot was known, and the next engine on a thread of its own', async () => {
    // The process's worker threads, as its diagnostic report lists them.
    const threads = () => (process.report.getReport() as { workers: unknown[] }).workers.length;
    const before = threads();
    prestartEmbeddedEngine();
    // Listed once it runs.
    await vi.waitFor(() => expect(threads()).toBe(before + 1), { timeout: 10_000 });
    // A second call while one waits starts no other.
    prestartEmbeddedEngine();
    const first = await createEmbeddedEngine({ statementTimeoutMs: 1_000 });
    // It took the waiting thread.
    expect(threads()).toBe(before + 1);
    const second = await createEmbeddedEngine();
    expect(threads()).toBe(before + 2);
    try {
      expect(await first.query('select 1 as one')).toEqual([{ one: 1 }]);
      // The time limit still terminates the thread it took.
      await expect(first.exec('select pg_sleep(5)')).rejects.toThrow('statement timeout');
      expect(first.stopped).toBe('statement-timeout');
      expect(await second.query('select 2 as two')).toEqual([{ two: 2 }]);
    } finally {
      await first.close();
      await second.close();
    }
    expect(threads()).toBe(before);
  });

  it('dumps its data directory as a tar', async () => {
    const engine = await createEmbeddedEngine();
    try {
      const dump = await engine.dumpDataDir();
      expect(Buffer.from(dump.subarray(257, 262)).toString('latin1')).toBe('ustar');
    } finally {
      await engine.close();
    }
  });
});
