import { describe, expect, it } from 'vitest';
import { parsePsqlScript } from '../../src/verify/phase-04/psql-script.js';

describe('parsePsqlScript', () => {
  it("takes a COPY … FROM STDIN's data from the lines after it up to \\., and goes on after them", () => {
    const script = ['select 1;', '-- load', 'COPY t (a, b) FROM stdin;', "1\t'; select 2; --", '\\N\t\\.x', '\\.', 'select 3;', ''].join(
      '\n',
    );
    const { steps, metaCommands } = parsePsqlScript(script);
    expect(metaCommands).toEqual([]);
    expect(steps.map((s) => [s.sql, s.line, s.copyData])).toEqual([
      ['select 1', 1, undefined],
      ['COPY t (a, b) FROM stdin', 3, "1\t'; select 2; --\n\\N\t\\.x\n"],
      ['select 3', 7, undefined],
    ]);
  });

  it('takes the data of a COPY … FROM STDIN without its \\. to the end of the file, and leaves a COPY TO STDOUT alone', () => {
    expect(parsePsqlScript('copy t from stdin;\n1\n2').steps.map((s) => s.copyData)).toEqual(['1\n2']);
    expect(parsePsqlScript('copy t to stdout;\nselect 1;\n').steps.map((s) => [s.sql, s.copyData])).toEqual([
      ['copy t to stdout', undefined],
      ['select 1', undefined],
    ]);
  });

  it('drops a byte order mark at the start of a test file, as psql does (a migration keeps it: the Supabase CLI sends it)', () => {
    const { steps } = parsePsqlScript('\ufeffbegin;\nselect plan(1);\nrollback;\n');
    expect(steps.map((s) => [s.kind, s.sql, s.line])).toEqual([
      ['begin', 'begin', 1],
      ['statement', 'select plan(1)', 2],
      ['rollback', 'rollback', 3],
    ]);
  });
});
