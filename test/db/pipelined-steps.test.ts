import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { connectPostgres, createPostgresEngine, type SqlEngine, type SqlStep } from '../../src/db/engine.js';
import { groupEnd, runStepsPipelined, type PipelineSession } from '../../src/db/pipelined-steps.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../src/db/throwaway-database.js';
import { ADMIN_URL } from '../helpers/db-postgres.js';

/**
 * Steps on a server go several to a round trip where a real server then does what it would one
 * at a time (pipelined-steps.ts): what they leave behind is checked on the server itself.
 */
describe('steps sent together on a server', () => {
  let db: ThrowawayDatabase;
  let engine: SqlEngine;
  beforeAll(async () => {
    db = await createThrowawayDatabase(ADMIN_URL);
    engine = await createPostgresEngine(db.url, { statementTimeoutMs: 1_000 });
    await engine.exec('create table t (id int)');
  });
  afterAll(async () => {
    await engine.close();
    await db.drop();
  });
  beforeEach(() => engine.exec('truncate t'));

  const count = async () => (await engine.query<{ n: number }>('select count(*)::int as n from t'))[0]!.n;
  const insert = (id: number): SqlStep => ({ kind: 'query', sql: 'insert into t values ($1)', params: [id] });

  it('in a block, what follows a failing step changes nothing, a session setting neither, and the undo finds the block as the failure left it', async () => {
    await engine.exec('begin; savepoint s');
    const run = await engine.runSteps([
      insert(1),
      { kind: 'query', sql: 'select 1/0', undo: ['rollback to savepoint s'] },
      { kind: 'query', sql: `select set_config('csdb.after', 'set', false)` },
      insert(2),
    ]);
    const left = await count();
    await engine.exec('commit');
    expect(run.failure).toMatchObject({ step: 1, error: { code: '22012' } });
    expect(run.undoError).toBeNull();
    expect(left).toBe(0);
    expect(await engine.query(`select current_setting('csdb.after', true) as v`)).toEqual([{ v: null }]);
  });

  it("in a block, a script's statements go one by one, a window of them at a time: the one that fails is located in the script, none after it runs", async () => {
    const statements = Array.from({ length: 200 }, (_, i) => (i === 150 ? 'select 1 / (0 * 150)' : `insert into t values (${i})`));
    const script = `${statements.join(';\n')};\n`;
    await engine.exec('begin');
    const run = await engine.runSteps([insert(-1), { kind: 'exec', sql: script, undo: ['rollback'] }]);
    expect(run.failure).toMatchObject({ step: 1, error: { code: '22012' } });
    // The server gives no position for a division by zero: the script's caller locates it.
    expect(run.failure?.error.position).toBeUndefined();
    expect(await count()).toBe(0);

    const misspelt = script
      .replace('insert into t values (170)', 'insert int t values (170)')
      .replace('select 1 / (0 * 150)', 'select 150');
    await engine.exec('begin');
    const syntax = await engine.runSteps([{ kind: 'exec', sql: misspelt, undo: ['rollback'] }]);
    expect(syntax.failure?.error.code).toBe('42601');
    expect(syntax.failure?.error.lineIn(misspelt)).toBe(171);
  });

  it('in a block, a statement past the time limit is named and located in its script', async () => {
    const script = 'insert into t values (1);\n\nselect pg_sleep(600);\ninsert into t values (2);\n';
    await engine.exec('begin');
    const run = await engine.runSteps([{ kind: 'exec', sql: script, undo: ['rollback'] }]);
    expect(run.failure?.error.message).toBe(
      'statement timeout: a statement ran longer than 1 s (--statement-timeout): select pg_sleep(600)',
    );
    expect(run.failure?.error.lineIn(script)).toBe(3);
    expect(await count()).toBe(0);
  });

  it('a step sent whole past the time limit names its one statement, or what the step says it runs', async () => {
    const alone = await engine.runSteps([{ kind: 'query', sql: 'select pg_sleep(600)' }]);
    expect(alone.failure?.error.message).toBe(
      'statement timeout: a statement ran longer than 1 s (--statement-timeout): select pg_sleep(600)',
    );
    const said = await engine.runSteps([{ kind: 'exec', sql: 'select 1; select pg_sleep(600)', shownAs: 'the slow part' }]);
    expect(said.failure?.error.message).toBe('statement timeout: a statement ran longer than 1 s (--statement-timeout): the slow part');
  });

  it('outside a block each step commits on its own: the step after a failure is not run', async () => {
    const run = await engine.runSteps([insert(1), { kind: 'query', sql: 'select 1/0' }, insert(2)]);
    expect(run.failure?.step).toBe(1);
    expect(await engine.query('select id from t')).toEqual([{ id: 1 }]);
  });

  it('a rollback to a savepoint is not sent behind a step that may fail: the block stays failed, as one at a time', async () => {
    await engine.exec('begin; savepoint s');
    const run = await engine.runSteps([{ kind: 'query', sql: 'select 1/0' }, { kind: 'exec', sql: 'rollback to savepoint s' }, insert(3)]);
    const after = await engine.query('select 1').catch((error: { code?: string }) => error.code);
    await engine.exec('rollback');
    expect(run.failure?.step).toBe(0);
    expect(after).toBe('25P02');
    expect(await count()).toBe(0);
  });

  it('a step the driver cannot encode fails alone: the step after it does not run', async () => {
    const unencodable = {
      toPostgres: () => {
        throw new Error('cannot encode');
      },
    };
    await engine.exec('begin');
    const run = await engine.runSteps([insert(1), { kind: 'query', sql: 'insert into t values ($1)', params: [unencodable] }, insert(2)]);
    const ids = await engine.query('select id from t');
    await engine.exec('rollback');
    expect(run.failure?.step).toBe(1);
    expect(ids).toEqual([{ id: 1 }]);
  });

  it('SQL refused before it is sent ends the group there: nothing behind it runs, and the block is not failed', async () => {
    await engine.exec('begin');
    const run = await engine.runSteps([insert(1), { kind: 'exec', sql: `copy t to program 'true'` }, insert(2)]);
    const ids = await engine.query('select id from t');
    await engine.exec('rollback');
    expect(run.failure).toMatchObject({ step: 1, error: { code: '42501' } });
    expect(ids).toEqual([{ id: 1 }]);
  });

  it('each step has the whole time limit, counted from the answer before it', async () => {
    // The server's limit lifted: the client's deadline (the limit and a second) is what is left,
    // and the four steps together take longer than it.
    await engine.exec('begin; set local statement_timeout = 0');
    const sleep: SqlStep = { kind: 'query', sql: 'select pg_sleep(0.6)' };
    const run = await engine.runSteps([sleep, sleep, sleep, sleep]);
    await engine.exec('rollback');
    expect(run.failure).toBeNull();
  });

  it('a COPY from STDIN in a block goes alone: it fails as it would on its own, and the session answers after it', async () => {
    await engine.exec('begin');
    const run = await engine.runSteps([insert(1), { kind: 'exec', sql: 'copy t from stdin' }, insert(2)]);
    await engine.exec('rollback');
    expect(run.failure?.step).toBe(1);
    expect(await engine.query('select 1 as one')).toEqual([{ one: 1 }]);
    expect(await count()).toBe(0);
  });

  it('after a commit that fails, the session is outside a block: the steps after go one at a time', async () => {
    await engine.exec('create table if not exists d (id int unique deferrable initially deferred)');
    for (let attempt = 0; attempt < 10; attempt++) {
      await engine.exec('truncate t; truncate d');
      await engine.exec('begin; insert into d values (1), (1)');
      const commit = await engine.runSteps([{ kind: 'exec', sql: 'commit' }]);
      expect(commit.failure?.error.code).toBe('23505');
      const run = await engine.runSteps([insert(1), { kind: 'query', sql: 'select 1/0' }, insert(2)]);
      expect(run.failure?.step).toBe(1);
      expect(await engine.query('select id from t')).toEqual([{ id: 1 }]);
    }
  });

  it('a step past the time limit fails as the time limit, and those behind it change nothing', async () => {
    await engine.exec('begin; savepoint s');
    const run = await engine.runSteps([{ kind: 'query', sql: 'select pg_sleep(3)', undo: ['rollback to savepoint s'] }, insert(4)]);
    const left = await count();
    await engine.exec('rollback');
    expect(run.failure).toMatchObject({ step: 0, error: { code: '57014' } });
    expect(run.failure?.error.message).toMatch(/--statement-timeout/);
    expect(left).toBe(0);
  });

  it('sends the steps of a block before reading any answer, and a step that ends the block after reading them', async () => {
    const client = await connectPostgres(db.url, { pipeline: true });
    const events: string[] = [];
    let sent = 0;
    const session: PipelineSession = {
      send(step) {
        const n = sent++;
        events.push(`send ${n}`);
        const answer = step.kind === 'exec' ? client.query(step.sql).then(() => []) : client.query(step.sql, [...(step.params ?? [])]);
        return answer.then((result) => (Array.isArray(result) ? result : (result.rows as Record<string, unknown>[])));
      },
      async within(answer) {
        const rows = await answer();
        events.push('answer');
        return rows;
      },
      inTransactionBlock: () => client.getTransactionStatus() === 'T',
    };
    try {
      const run = await runStepsPipelined(session, [
        { kind: 'exec', sql: 'begin' },
        insert(5),
        { kind: 'query', sql: 'select count(*)::int as n from t' },
        { kind: 'exec', sql: 'rollback' },
      ]);
      expect(run.rows).toEqual([[], [], [{ n: 1 }], []]);
      expect(events).toEqual(['send 0', 'send 1', 'send 2', 'answer', 'answer', 'answer', 'send 3', 'answer']);
    } finally {
      await (client as pg.Client).end();
    }
  });
});

describe('which steps go together', () => {
  const step = (sql: string, params?: unknown[]): SqlStep => ({ kind: params ? 'query' : 'exec', sql, ...(params ? { params } : {}) });
  const steps = [
    step('begin'),
    step('insert into t values ($1)', [1]),
    step(`select $1::jsonb`, ['{"a": "rollback"}']),
    step('-- done\nrollback to savepoint s'),
    step('select $1', [1n]),
    step(`do $$ begin perform 1; end $$; select 'commit'`),
    step('release savepoint s; commit'),
  ];

  it('in a block: up to a step that ends it or rolls back, or one with a parameter other than text, number, boolean or null', () => {
    expect(groupEnd(steps, 1, true)).toBe(3);
    expect(groupEnd(steps, 3, true)).toBe(4);
    expect(groupEnd(steps, 4, true)).toBe(5);
    expect(groupEnd(steps, 5, true)).toBe(6);
    expect(groupEnd(steps, 6, true)).toBe(7);
  });

  it('outside a block: a step that only opens one leads, any other goes alone', () => {
    expect(groupEnd(steps, 0, false)).toBe(3);
    expect(groupEnd(steps, 1, false)).toBe(2);
    expect(groupEnd([step('begin isolation level serializable'), step('select 1')], 0, false)).toBe(1);
    expect(groupEnd([step('start transaction'), step('rollback')], 0, false)).toBe(1);
  });
});
