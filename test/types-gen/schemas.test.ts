import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectSupabase } from '../../src/detect/supabase-dir.js';
import { CliError } from '../../src/errors.js';
import { parseSchemaList, typeSchemas } from '../../src/types-gen/schemas.js';
import { typesForMigrations } from '../../src/types-gen/index.js';

const dirs: string[] = [];
/** `[api] schemas` as detection reads it from the repo's supabase/config.toml. */
const readApiSchemas = async (root: string) => (await detectSupabase(root)).apiSchemas;

async function repoWithConfig(toml: string | null): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'types-schemas-'));
  dirs.push(root);
  if (toml !== null) {
    await mkdir(path.join(root, 'supabase'));
    await writeFile(path.join(root, 'supabase', 'config.toml'), toml);
  }
  return root;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the schemas to type', () => {
  it('are public and the [api] schemas of supabase/config.toml, each once, like supabase gen types', async () => {
    const root = await repoWithConfig('[api]\nenabled = true\nschemas = ["public", "graphql_public", "api"]\n');
    expect(await readApiSchemas(root)).toEqual(['public', 'graphql_public', 'api']);
    expect(typeSchemas(await readApiSchemas(root))).toEqual(['public', 'graphql_public', 'api']);
  });

  it('are public alone without config.toml or without [api] schemas', async () => {
    expect(typeSchemas(await readApiSchemas(await repoWithConfig(null)))).toEqual(['public']);
    expect(typeSchemas(await readApiSchemas(await repoWithConfig('project_id = "x"\n[api]\nport = 54321\n')))).toEqual(['public']);
  });

  it('are the ones asked for with --schema a,b, which replace the default', async () => {
    const root = await repoWithConfig('[api]\nschemas = ["public", "graphql_public"]\n');
    expect(parseSchemaList('api, public,,')).toEqual(['api', 'public']);
    expect(parseSchemaList(['a,b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(typeSchemas(await readApiSchemas(root), ['api'])).toEqual(['api']);
  });

  it('reject a config.toml that is not TOML or whose [api] schemas is not a list of names', async () => {
    await expect(readApiSchemas(await repoWithConfig('[api\n'))).rejects.toBeInstanceOf(CliError);
    await expect(readApiSchemas(await repoWithConfig('[api]\nschemas = "public"\n'))).rejects.toThrow(
      '[api] schemas must be a list of schema names',
    );
  });
});

describe('typesForMigrations with several schemas', () => {
  it('types every schema that exists, in name order, and leaves missing ones out', async () => {
    const output = await typesForMigrations(
      [{ name: '00001_api.sql', sql: 'create schema api;\ncreate table api.things (id int primary key);\n' }],
      { literalUnions: false, schemas: ['public', 'api', 'missing'] },
    );
    expect(output.startsWith('export type Json =')).toBe(true);
    expect(output).toMatch(/^export type Database = \{\n {2}api: \{\n {4}Tables: \{\n {6}things: \{/m);
    expect(output).toContain('\n  public: {\n');
    expect(output).not.toContain('missing');
    expect(output).toContain(
      'export const Constants = {\n  api: {\n    Enums: {},\n  },\n  public: {\n    Enums: {},\n  },\n} as const\n\n',
    );
  });
});
