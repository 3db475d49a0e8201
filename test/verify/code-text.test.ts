import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { exportedNames, exportedNamesText } from '../../src/verify/phase-04/module-exports.js';
import { moduleFactsText, moduleFactsTs } from '../../src/verify/phase-04/session-refresh.js';
import { codeText } from '../../src/verify/phase-04/code-text.js';
import type { TypeScriptApi } from '../../src/typecheck/load-typescript.js';

/**
 * The files check reads the phase's web modules as text and only loads the compiler when the text
 * shows nothing: what the text reading finds must be what the parser finds.
 */
const ts = createRequire(import.meta.url)('typescript') as TypeScriptApi;

const EXPORTING = [
  'export function createClient() {}',
  'export async function createClient() {}',
  'export const createClient = () => null;',
  'function make() {}\nexport { make as createClient };',
  "export { createClient } from './other';",
  'const a = `${1}`;\nexport function createClient() {}',
];

const NOT_EXPORTING = [
  '// export function createClient() {}\nexport function other() {}',
  '/*\nexport function createClient() {}\n*/',
  'const text = `\nexport function createClient() {}\n`;',
  'const text = `${`\nexport function createClient() {}\n`}`;',
  "const text = 'a\\\nexport function createClient() {}';",
  'namespace inner {\n  export function createClient() {}\n}',
  "declare module 'x' {\n  export function createClient(): void;\n}",
  'const re = /[/]`/;\nconst text = `\nexport function createClient() {}\n`;',
];

describe('exports read as text', () => {
  it.each(EXPORTING)('finds createClient in %j, as the parser does', (source) => {
    expect(exportedNamesText(source).has('createClient')).toBe(true);
    expect(exportedNames(ts, 'm.ts', source).has('createClient')).toBe(true);
  });

  it.each(NOT_EXPORTING)('does not find createClient in %j, which the parser does not either', (source) => {
    expect(exportedNamesText(source).has('createClient')).toBe(false);
    expect(exportedNames(ts, 'm.ts', source).has('createClient')).toBe(false);
  });
});

describe('session refresh read as text', () => {
  const SSR = "import { createServerClient as make } from '@supabase/ssr';\n";

  it.each([
    ['a call of updateSession', 'const r = await updateSession(request);', { callsUpdateSession: true }],
    ['a call inside a template expression', 'const s = `${updateSession(request)}`;', { callsUpdateSession: true }],
    ['a function of that name', 'export async function updateSession(request: Request) {}', { callsUpdateSession: false }],
    ['a method of that name', 'const o = { async updateSession(request: Request) { return request; } };', { callsUpdateSession: false }],
    ['a method call', 'await session.updateSession(request);', { callsUpdateSession: false }],
    ['a call in a comment or string', "// updateSession(request)\nconst s = 'updateSession(request)';", { callsUpdateSession: false }],
    [
      'the aliased client made and refreshed',
      `${SSR}const c = make(url, key, {});\nawait c.auth.getClaims();`,
      { createsServerClient: true, refreshes: true },
    ],
    [
      'the client constructed with new',
      `${SSR}const c = new make(url, key);\nnew c.auth.getUser();`,
      { createsServerClient: false, refreshes: false },
    ],
    ['a refresh in a regular expression', `${SSR}const re = /x.auth.getUser(/;`, { refreshes: false }],
  ])('%s', (_, source, expected) => {
    expect(moduleFactsText(source)).toMatchObject(expected);
    // Found as text: found by the parser too.
    const byParser = moduleFactsTs(ts, 'm.ts', source);
    for (const [fact, found] of Object.entries(expected)) if (found) expect(byParser).toMatchObject({ [fact]: true });
  });

  it('follows only imports written as imports, not ones in comments or strings', () => {
    const source =
      "import { a } from './a';\nimport './b';\n// import { c } from './c';\nconst s = \"from './d'\";\nconst e = import('./e');\n";
    expect(moduleFactsText(source).imports).toEqual(['./a', './b', './e']);
  });
});

describe('codeText', () => {
  it('keeps offsets and line breaks, blanks comments and the insides of strings, templates and regular expressions', () => {
    const source = "a = 'x;y' + `t${b}u` / 2; // c\nr = /z\\//g; /* d\ne */ f();";
    const { code, strings } = codeText(source);
    expect(code).toHaveLength(source.length);
    expect(code.split('\n')).toHaveLength(source.split('\n').length);
    expect(code).toBe("a = '   ' + ` ${b} ` / 2;     \nr = /   /g;     \n     f();");
    expect(strings).toEqual([{ start: 5, value: 'x;y' }]);
  });
});
