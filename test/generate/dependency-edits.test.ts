import { describe, expect, it } from 'vitest';
import { allowsOlderThan, MINIMUM_WEB_VERSIONS, WEB_DEPENDENCIES } from '../../src/plan/dependency-versions.js';
import { addPackageJsonDependencies, addPyprojectDependency, addRequirement } from '../../src/plan/dependency-edits.js';

describe('addPackageJsonDependencies', () => {
  it('adds only what is missing, keeping indentation, key order and the final newline', () => {
    const text =
      '{\n    "name": "web",\n    "dependencies": {\n        "next": "^16.1.0",\n        "@supabase/ssr": "^0.11.0"\n    },\n    "scripts": {}\n}\n';
    const edit = addPackageJsonDependencies(text, { '@supabase/ssr': '^0.12.7', '@supabase/supabase-js': '^2.119.1' });
    expect(edit?.added).toEqual(['@supabase/supabase-js']);
    expect(edit?.content).toBe(
      '{\n    "name": "web",\n    "dependencies": {\n        "@supabase/ssr": "^0.11.0",\n        "@supabase/supabase-js": "^2.119.1",\n        "next": "^16.1.0"\n    },\n    "scripts": {}\n}\n',
    );
  });

  it('keeps CRLF line endings and tabs; leaves a complete file untouched', () => {
    const text = '{\r\n\t"name": "web"\r\n}';
    expect(addPackageJsonDependencies(text, { a: '1' })?.content).toBe(
      '{\r\n\t"name": "web",\r\n\t"dependencies": {\r\n\t\t"a": "1"\r\n\t}\r\n}',
    );
    const complete = '{ "devDependencies": { "a": "1" } }';
    expect(addPackageJsonDependencies(complete, { a: '2' })).toEqual({ content: complete, added: [], upgraded: [] });
  });

  it('raises a declared range the generated code cannot use, where it is declared', () => {
    const text =
      '{\n  "devDependencies": { "@supabase/ssr": "^0.3.0", "zod": "^3" },\n  "dependencies": { "@supabase/supabase-js": "2.114.0" }\n}\n';
    const tooOld = (name: string, range: string) => name in MINIMUM_WEB_VERSIONS && allowsOlderThan(range, MINIMUM_WEB_VERSIONS[name]!);
    const edit = addPackageJsonDependencies(text, WEB_DEPENDENCIES, tooOld)!;
    expect(edit.upgraded).toEqual([{ name: '@supabase/ssr', from: '^0.3.0', to: WEB_DEPENDENCIES['@supabase/ssr'] }]);
    expect(edit.added).toEqual(['server-only']);
    const manifest = JSON.parse(edit.content);
    expect(Object.keys(manifest.devDependencies)).toEqual(['@supabase/ssr', 'zod']);
    expect(manifest.devDependencies['@supabase/ssr']).toBe(WEB_DEPENDENCIES['@supabase/ssr']);
    expect(manifest.dependencies['@supabase/supabase-js']).toBe('2.114.0');
  });

  it('reads the lowest version a range allows; leaves ranges that name none alone', () => {
    expect(allowsOlderThan('^0.5.0', '0.12.0')).toBe(true);
    expect(allowsOlderThan('~2.39', '2.114.0')).toBe(true);
    expect(allowsOlderThan('>=2.114.0 <3', '2.114.0')).toBe(false);
    expect(allowsOlderThan('^0.12.7', '0.12.0')).toBe(false);
    for (const range of ['*', 'latest', 'workspace:*', 'https://example.com/x.tgz', '^0.3 || ^0.12'])
      expect(allowsOlderThan(range, '9.0.0'), range).toBe(false);
  });

  it('returns null for a package.json that is not JSON', () => {
    expect(addPackageJsonDependencies('{ nope', { a: '1' })).toBeNull();
  });
});

describe('addPyprojectDependency', () => {
  it('appends to a multi-line PEP 621 list', () => {
    const text = '[project]\nname = "b"\ndependencies = [\n    "fastapi>=0.115",\n    "httpx"\n]\n\n[tool.x]\n';
    expect(addPyprojectDependency(text, 'supabase>=2.31,<3', 'supabase', '^2.31')).toBe(
      '[project]\nname = "b"\ndependencies = [\n    "fastapi>=0.115",\n    "httpx",\n    "supabase>=2.31,<3",\n]\n\n[tool.x]\n',
    );
  });
  it('appends to an inline list and to an empty one', () => {
    expect(addPyprojectDependency('[project]\ndependencies = ["a", "b"]\n', 'supabase>=2', 's', '^2')).toBe(
      '[project]\ndependencies = ["a", "b", "supabase>=2"]\n',
    );
    expect(addPyprojectDependency('[project]\ndependencies = []\n', 'supabase>=2', 's', '^2')).toBe(
      '[project]\ndependencies = ["supabase>=2"]\n',
    );
  });
  it('adds a Poetry dependency', () => {
    expect(addPyprojectDependency('[tool.poetry.dependencies]\npython = "^3.11"\n\n[build-system]\n', 'x', 'supabase', '^2.31')).toBe(
      '[tool.poetry.dependencies]\npython = "^3.11"\nsupabase = "^2.31"\n\n[build-system]\n',
    );
  });
  it('invents nothing when there is no dependency list', () => {
    expect(addPyprojectDependency('[tool.ruff]\nline-length = 100\n', 'x', 's', '1')).toBeNull();
  });
});

describe('addRequirement', () => {
  it("appends a line in the file's line endings, ending the last line first when it has no newline", () => {
    expect(addRequirement('flask==3.0\n', 'supabase>=2.31,<3')).toBe('flask==3.0\nsupabase>=2.31,<3\n');
    expect(addRequirement('flask==3.0\r\ngunicorn', 'supabase>=2.31,<3')).toBe('flask==3.0\r\ngunicorn\r\nsupabase>=2.31,<3\r\n');
    expect(addRequirement('', 'supabase>=2.31,<3')).toBe('supabase>=2.31,<3\n');
  });
});
