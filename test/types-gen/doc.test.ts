import { describe, expect, it } from 'vitest';
import { group, hardline, ifBreak, indent, join, line, printDoc, softline } from '../../src/types-gen/doc.js';

const list = (items: string[]) => group(['[', indent([softline, join([',', line], items)]), ifBreak(','), softline, ']']);

describe('printDoc', () => {
  it('keeps a group flat when it fits', () => {
    expect(printDoc(['x: ', list(['"a"', '"b"'])], 80)).toBe('x: ["a", "b"]');
  });

  it('breaks a group that does not fit, counting the text after it on the same line', () => {
    expect(printDoc(['x: ', list(['"a"', '"b"']), ' // tail'], 16)).toBe('x: [\n  "a",\n  "b",\n] // tail');
  });

  it('breaks every group around a hard line and trims trailing spaces', () => {
    expect(printDoc(group(['a: ', indent([softline, 'b', hardline, 'c'])]))).toBe('a:\n  b\n  c');
  });

  it('lays out nested groups outside in', () => {
    const inner = group(['{', indent([line, 'inner: 1']), line, '}']);
    const outer = group(['{', indent([line, join([';', line], ['a: 1', inner])]), line, '}']);
    expect(printDoc(outer, 30)).toBe('{ a: 1; { inner: 1 } }');
    expect(printDoc(outer, 20)).toBe('{\n  a: 1;\n  { inner: 1 }\n}');
  });
});
