import { describe, expect, it } from 'vitest';
import { statementRanges, statementsOf } from '../../src/db/split-statements.js';
import { statementBatcher, type ScriptBatch } from '../../src/db/statement-batches.js';

/** A batch's statements as its `statements` ranges give them. */
const statementsIn = (batch: ScriptBatch) =>
  Array.from({ length: batch.statements.length / 2 }, (_, i) => batch.sql.slice(batch.statements[2 * i], batch.statements[2 * i + 1]));

const script = [
  "insert into t values (1, 'a;b');",
  'create function f() returns text language plpgsql as $body$',
  'begin',
  "  return 'x;y';",
  'end;',
  '$body$;',
  '/* a; comment */ insert into t values (2, $$c;d$$);',
  "insert into t values (3, E'it\\'s;');",
].join('\n');

describe('statementBatcher', () => {
  it('cuts only just after a statement’s semicolon, and the batches put together are the script', () => {
    const batches = statementBatcher(10)(script, 100);
    expect(batches.map((b) => b.sql).join('')).toBe(script);
    expect(batches.map((b) => b.sql.trim().split('\n')[0])).toEqual([
      "insert into t values (1, 'a;b');",
      'create function f() returns text language plpgsql as $body$',
      '/* a; comment */ insert into t values (2, $$c;d$$);',
      "insert into t values (3, E'it\\'s;');",
    ]);
    expect(batches.map((b) => b.offset)).toEqual([
      100,
      100 + script.indexOf('\ncreate'),
      100 + script.indexOf('\n/*'),
      100 + script.indexOf('\ninsert into t values (3'),
    ]);
  });

  it('keeps statements together up to the limit', () => {
    const batches = statementBatcher(script.indexOf('$body$;') + 10)(script, 0);
    // The batch goes on to the first statement that reaches the limit: the second insert.
    expect(batches.map((b) => b.sql.trim().split('\n')[0])).toEqual([
      "insert into t values (1, 'a;b');",
      "insert into t values (3, E'it\\'s;');",
    ]);
  });

  it('cuts a script whose statements were found already the same way, from them', () => {
    for (const limit of [1, 60, script.length]) {
      expect(statementBatcher(limit)(script, 5, statementRanges(script))).toEqual(statementBatcher(limit)(script, 5));
    }
  });

  it('leaves a script no longer than the limit whole', () => {
    const batches = statementBatcher(script.length)(script, 7);
    expect(batches.map(({ sql, offset }) => ({ sql, offset }))).toEqual([{ sql: script, offset: 7 }]);
  });

  it('gives each batch where its statements are, relative to the batch: the statements the splitter finds', () => {
    for (const limit of [1, 60, script.length]) {
      const batches = statementBatcher(limit)(script, 100);
      expect(batches.flatMap(statementsIn)).toEqual([...statementsOf(script)].map((s) => s.sql));
    }
  });

  it('cuts nothing from the statement that ends the transaction on, in this run or a later one', () => {
    const batcher = statementBatcher(1);
    const first = 'select 1; select 2; commit; select 3; select 4;';
    const batches = batcher(first, 0);
    expect(batches.map((b) => b.sql)).toEqual(['select 1;', ' select 2;', ' commit; select 3; select 4;']);
    // Still listed, so that a transaction the script opens again runs them one by one.
    expect(statementsIn(batches[2]!)).toEqual(['commit', 'select 3', 'select 4']);
    const later = batcher('select 5; select 6;', 60);
    expect(later.map(({ sql, offset }) => ({ sql, offset }))).toEqual([{ sql: 'select 5; select 6;', offset: 60 }]);
    expect(statementsIn(later[0]!)).toEqual(['select 5', 'select 6']);
  });

  it('goes on cutting after a rollback to a savepoint, which keeps the transaction', () => {
    const batches = statementBatcher(1)('savepoint a; rollback to savepoint a; select 1;', 0);
    expect(batches.map((b) => b.sql)).toEqual(['savepoint a;', ' rollback to savepoint a;', ' select 1;']);
  });
});
