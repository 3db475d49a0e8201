import { describe, expect, it } from 'vitest';
import { allowedValuesFromCheck, intersectAllowedValues } from '../../src/types-gen/check-values.js';

describe('allowedValuesFromCheck', () => {
  it('reads a text IN-list as PostgreSQL prints it', () => {
    expect(allowedValuesFromCheck("CHECK ((tier = ANY (ARRAY['free'::text, 'pro'::text])))", 'tier')).toEqual(['free', 'pro']);
  });

  it('reads a varchar IN-list with its casts', () => {
    const definition = "CHECK (((tier)::text = ANY ((ARRAY['free'::character varying, 'pro'::character varying])::text[])))";
    expect(allowedValuesFromCheck(definition, 'tier')).toEqual(['free', 'pro']);
  });

  it('reads a one-item list, which PostgreSQL prints as an equality', () => {
    expect(allowedValuesFromCheck("CHECK ((kind = 'only'::text))", 'kind')).toEqual(['only']);
  });

  it('unescapes quotes in values and quoted column names', () => {
    expect(allowedValuesFromCheck(`CHECK (("Tier" = ANY (ARRAY['it''s'::text, 'b'::text])))`, 'Tier')).toEqual(["it's", 'b']);
  });

  it('ignores NOT VALID as a suffix', () => {
    expect(allowedValuesFromCheck("CHECK ((s = ANY (ARRAY['a'::text]))) NOT VALID", 's')).toEqual(['a']);
  });

  it.each([
    ['a range', 'CHECK (((progress >= 0) AND (progress <= 100)))'],
    ['a list with NULL, which lets any value through', "CHECK ((s = ANY (ARRAY['a'::text, NULL::text])))"],
    ['an IN-list combined with another condition', "CHECK (((s = ANY (ARRAY['a'::text])) AND (length(s) > 0)))"],
    ['a NOT IN list', "CHECK ((s <> ALL (ARRAY['a'::text, 'b'::text])))"],
    ['an expression on the column', "CHECK ((lower(s) = ANY (ARRAY['a'::text])))"],
  ])('gives null for %s', (_label, definition) => {
    expect(allowedValuesFromCheck(definition, 's')).toBeNull();
  });

  it('gives null when the list constrains another column', () => {
    expect(allowedValuesFromCheck("CHECK ((other = ANY (ARRAY['a'::text])))", 's')).toBeNull();
  });
});

describe('intersectAllowedValues', () => {
  it('keeps the values every list allows, in the first list order', () => {
    expect(
      intersectAllowedValues([
        ['a', 'b', 'c'],
        ['c', 'a'],
      ]),
    ).toEqual(['a', 'c']);
  });
});
