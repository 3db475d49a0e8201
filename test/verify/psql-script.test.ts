import { describe, expect, it } from 'vitest';
import { parsePsqlScript } from '../../src/verify/phase-04/psql-script.js';

describe('parsePsqlScript', () => {
  it('drops a byte order mark at the start of a test file, as psql does (a migration keeps it: the Supabase CLI sends it)', () => {
    const { steps } = parsePsqlScript('\ufeffbegin;\nselect plan(1);\nrollback;\n');
    expect(steps.map((s) => [s.kind, s.sql, s.line])).toEqual([
      ['begin', 'begin', 1],
      ['statement', 'select plan(1)', 2],
      ['rollback', 'rollback', 3],
    ]);
  });
});
