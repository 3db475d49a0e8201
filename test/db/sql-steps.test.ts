import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine, type SqlStep } from '../../src/db/engine.js';
import { ENGINE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/db-postgres.js';

/** A batch of steps (sql-steps.ts): the same results on both engines as one call per step. */
describe.each(ENGINE_KINDS)('a batch of steps on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await db.engine.exec('create table t (id int)');
  });
  afterAll(() => db.dispose());

  it("runs up to the first step that fails, then only that step's undo, and gives the rows and the error", async () => {
    const undo = ['rollback to savepoint s'];
    const steps: SqlStep[] = [
      { kind: 'exec', sql: 'begin; savepoint s' },
      { kind: 'query', sql: 'insert into t values ($1), ($2) returning id', params: [1, 2], undo: ['select nope'] },
      { kind: 'query', sql: 'select count(*)::int as n from t', undo },
      { kind: 'query', sql: 'select 1,\n  nope from t', undo },
      { kind: 'exec', sql: 'insert into t values (3)' },
    ];
    const run = await db.engine.runSteps(steps);
    expect(run.rows).toEqual([[], [{ id: 1 }, { id: 2 }], [{ n: 2 }]]);
    expect(run.failure?.step).toBe(3);
    expect(run.failure?.error.code).toBe('42703');
    expect(run.failure?.error.lineIn(steps[3]!.sql)).toBe(2);
    expect(run.undoError).toBeNull();
    // The undo ran; the step after the failure did not.
    expect(await db.engine.query('select count(*)::int as n from t')).toEqual([{ n: 0 }]);
    await db.engine.exec('rollback');
  });

  it('runs every undo script of the failed step and reports the first that fails', async () => {
    await db.engine.exec('begin; savepoint s');
    const run = await db.engine.runSteps([
      { kind: 'exec', sql: 'insert into t values (4)' },
      { kind: 'query', sql: 'select 1/0', undo: ['rollback to savepoint nowhere', 'rollback to savepoint s', 'select 1'] },
    ]);
    await db.engine.exec('release savepoint s');
    const left = await db.engine.query('select count(*)::int as n from t');
    await db.engine.exec('rollback');
    expect(run.failure?.error.code).toBe('22012');
    expect(run.undoError?.code).toBe('3B001');
    expect(left).toEqual([{ n: 0 }]);
  });

  it('refuses COPY … PROGRAM at its own step, after the steps before it ran', async () => {
    const run = await db.engine.runSteps([
      { kind: 'query', sql: 'select 1 as one' },
      { kind: 'exec', sql: `copy t to program 'true'` },
    ]);
    expect(run.rows).toEqual([[{ one: 1 }]]);
    expect(run.failure).toMatchObject({ step: 1, error: { code: '42501' } });
  });

  it('runs batches in one request: a failure its undo puts right ends its own batch only', async () => {
    await db.engine.exec('begin');
    const batch = (name: string, statement: SqlStep): SqlStep[] => [
      { kind: 'exec', sql: `savepoint ${name}` },
      { ...statement, undo: [`rollback to savepoint ${name}`] },
      { kind: 'query', sql: 'select count(*)::int as n from t', undo: [`rollback to savepoint ${name}`] },
      { kind: 'exec', sql: `release savepoint ${name}` },
    ];
    const runs = await db.engine.runBatches([
      batch('a', { kind: 'query', sql: 'insert into t values (10) returning id' }),
      batch('b', { kind: 'query', sql: 'select 1/0' }),
      batch('c', { kind: 'exec', sql: 'insert into t values (11)' }),
    ]);
    const left = await db.engine.query('select id from t order by id');
    await db.engine.exec('rollback');
    expect(runs.map((run) => run?.failure?.step ?? null)).toEqual([null, 1, null]);
    expect(runs[0]?.rows).toEqual([[], [{ id: 10 }], [{ n: 1 }], []]);
    expect(runs[1]).toMatchObject({ rows: [[]], failure: { error: { code: '22012' } }, undoError: null });
    expect(runs[2]?.rows).toEqual([[], [], [{ n: 2 }], []]);
    expect(left).toEqual([{ id: 10 }, { id: 11 }]);
  });

  it('does not run the batches after a failure that could not be undone', async () => {
    await db.engine.exec('begin; savepoint s');
    const runs = await db.engine.runBatches([
      [{ kind: 'query', sql: 'select 1 as one' }],
      [{ kind: 'query', sql: 'select 1/0', undo: ['rollback to savepoint nowhere'] }],
      [{ kind: 'exec', sql: 'insert into t values (20)' }],
    ]);
    await db.engine.exec('rollback');
    expect(runs[0]?.rows).toEqual([[{ one: 1 }]]);
    expect(runs[1]?.undoError?.code).toBe('3B001');
    expect(runs[2]).toBeNull();
    await db.engine.exec('begin');
    const noUndo = await db.engine.runBatches([[{ kind: 'exec', sql: 'select nope' }], [{ kind: 'exec', sql: 'select 1' }]]);
    await db.engine.exec('rollback');
    expect(noUndo[0]?.failure?.error.code).toBe('42703');
    expect(noUndo[1]).toBeNull();
    expect(await db.engine.query('select count(*)::int as n from t')).toEqual([{ n: 0 }]);
  });

  it('stops at any failure when asked, undone or not: the batches after it do not run', async () => {
    await db.engine.exec('begin; savepoint s');
    const runs = await db.engine.runBatches(
      [
        [{ kind: 'exec', sql: 'insert into t values (30)' }],
        [{ kind: 'query', sql: 'select 1/0', undo: ['rollback to savepoint s'] }],
        [{ kind: 'exec', sql: 'insert into t values (31)' }],
      ],
      { stopAtFailure: true },
    );
    const left = await db.engine.query('select id from t order by id');
    await db.engine.exec('rollback');
    expect(runs[0]).toMatchObject({ failure: null });
    expect(runs[1]).toMatchObject({ failure: { step: 0, error: { code: '22012' } }, undoError: null });
    expect(runs[2]).toBeNull();
    expect(left).toEqual([]);
  });
});

describe('a batch on the embedded engine and the time limit', () => {
  it('gives each step the whole limit: steps that together take longer pass', async () => {
    const engine = await createEmbeddedEngine({ statementTimeoutMs: 2_000 });
    try {
      const sleep: SqlStep = { kind: 'query', sql: 'select pg_sleep(0.8)' };
      const run = await engine.runSteps([sleep, sleep, sleep]);
      expect(run.failure).toBeNull();
      expect(engine.stopped).toBeNull();
    } finally {
      await engine.close();
    }
  });

  it('a step past the limit fails, named and located as a statement is, and the engine is gone', async () => {
    const engine = await createEmbeddedEngine({ statementTimeoutMs: 1_000 });
    await engine.exec('begin');
    const script = 'select 1;\ndo $$ begin loop end loop; end $$;';
    const run = await engine.runSteps([
      { kind: 'query', sql: 'select 1' },
      { kind: 'exec', sql: script, undo: ['rollback'] },
      { kind: 'query', sql: 'select 2' },
    ]);
    expect(run.rows).toEqual([[{ '?column?': 1 }]]);
    expect(run.failure?.step).toBe(1);
    expect(run.failure?.error.code).toBe('57014');
    expect(run.failure?.error.message).toBe(
      'statement timeout: a statement ran longer than 1 s (--statement-timeout): do $$ begin loop end loop; end $$;',
    );
    expect(run.failure?.error.lineIn(script)).toBe(2);
    // The undo could not run.
    expect(run.undoError?.code).toBe('57014');
    expect(engine.stopped).toBe('statement-timeout');
  });

  it('a step past the limit in a later batch: the batches before keep their results, those after are not run', async () => {
    const engine = await createEmbeddedEngine({ statementTimeoutMs: 1_000 });
    await engine.exec('begin');
    const runs = await engine.runBatches([
      [
        { kind: 'exec', sql: 'savepoint s' },
        { kind: 'query', sql: 'select 1 as one' },
        { kind: 'query', sql: 'select 1/0', undo: ['rollback to savepoint s'] },
      ],
      [
        { kind: 'query', sql: 'select 2 as two' },
        { kind: 'query', sql: 'select pg_sleep(60)', undo: ['rollback'] },
      ],
      [{ kind: 'query', sql: 'select 3' }],
    ]);
    expect(runs[0]).toMatchObject({ rows: [[], [{ one: 1 }]], failure: { step: 2, error: { code: '22012' } }, undoError: null });
    expect(runs[1]?.rows).toEqual([[{ two: 2 }]]);
    expect(runs[1]?.failure).toMatchObject({ step: 1, error: { code: '57014' } });
    expect(runs[1]?.failure?.error.message).toMatch(/: select pg_sleep\(60\)$/);
    expect(runs[1]?.undoError?.code).toBe('57014');
    expect(runs[2]).toBeNull();
    expect(engine.stopped).toBe('statement-timeout');
  });
});
