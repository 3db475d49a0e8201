import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/db/apply-migrations.js';
import { unifiedDiff } from '../../src/report/unified-diff.js';
import { typesForMigrations } from '../../src/types-gen/from-migrations.js';
import { typesForDatabaseUrl } from '../../src/types-gen/schemas.js';
import { openStandInDatabase } from '../helpers/db-standin.js';
import type { TestDatabase } from '../helpers/db-postgres.js';
import { renderSchema } from '../helpers/db-schema.js';

/**
 * `create-saas-db types --no-literal-unions` against the real thing: the type generator the
 * Supabase CLI runs (`@supabase/postgres-meta`, the version `supabase` 2.117.0 pins), started the
 * way the CLI starts it, on the same PostgreSQL 15 database. Both outputs must be identical, byte
 * for byte; and so must the embedded engine's, from the same migrations over the same emulation
 * (what `create-saas-db types` gives without `--db-url`).
 */

const execFileAsync = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const PG_META_SERVER = path.join(path.dirname(require.resolve('@supabase/postgres-meta/package.json')), 'dist/server/server.js');

/** What `supabase gen types typescript --db-url <url> --schema <schemas>` prints (CLI 2.117.0). */
async function supabaseGenTypes(url: string, schemas: readonly string[]): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [PG_META_SERVER], {
    env: {
      PATH: process.env['PATH'] ?? '',
      PG_META_DB_URL: url,
      PG_META_GENERATE_TYPES: 'typescript',
      PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS: schemas.join(','),
      PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS: 'true',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

const corpus = (name: string) => readFile(path.join(here, 'corpus', name), 'utf8');

interface Case {
  readonly name: string;
  readonly schemas: readonly string[];
  readonly migrations: () => Promise<{ name: string; sql: string }[]>;
  /** Text both outputs must hold for the case to prove anything. */
  readonly shows?: string;
}

const CASES: readonly Case[] = [
  {
    name: 'the generated Phase 04 schema',
    schemas: ['public'],
    migrations: async () => (await renderSchema()).migrations,
  },
  {
    name: 'views, enums, composite types, domains, functions and computed relationships in two schemas',
    schemas: ['public', 'api'],
    migrations: async () => [{ name: 'kitchen-sink.sql', sql: await corpus('kitchen-sink.sql') }],
  },
  {
    name: "the graphql_public schema of Supabase's default config.toml (the emulation's), and a schema that does not exist",
    schemas: ['public', 'graphql_public', 'missing'],
    migrations: async () => [{ name: 'graphql-public.sql', sql: await corpus('graphql-public.sql') }],
    shows: [
      '  graphql_public: {',
      '    Tables: {',
      '      [_ in never]: never',
      '    }',
      '    Views: {',
      '      [_ in never]: never',
      '    }',
      '    Functions: {',
      '      graphql: {',
      '        Args: {',
      '          extensions?: Json',
      '          operationName?: string',
      '          query?: string',
      '          variables?: Json',
      '        }',
      '        Returns: Json',
      '      }',
      '    }',
      '    Enums: {',
      '      [_ in never]: never',
      '    }',
      '    CompositeTypes: {',
      '      [_ in never]: never',
      '    }',
      '  }',
      '  public: {',
    ].join('\n'),
  },
  {
    name: 'an empty public schema',
    schemas: ['public'],
    migrations: async () => [{ name: 'empty.sql', sql: await corpus('empty.sql') }],
  },
];

/** The helper types between `Database` and `Constants` (`Tables`, `TablesInsert`…). */
function withoutHelperTypes(text: string): string {
  return text.replace(/\ntype DatabaseWithoutInternals[\s\S]*?\nexport const Constants/, '\nexport const Constants');
}

function expectSameText(ours: string, theirs: string): void {
  if (ours !== theirs) {
    // `-` is pg-meta's line, `+` ours.
    expect.fail(
      `output differs from supabase gen types (- pg-meta, + ours):\n${unifiedDiff('database.types.ts', theirs, ours, { maxLines: 200 })}`,
    );
  }
}

describe.each(CASES)('types --no-literal-unions on $name', ({ schemas, migrations, shows }) => {
  let database: TestDatabase;
  let theirs: string;
  let ours: string;
  let embedded: string;

  beforeAll(async () => {
    database = await openStandInDatabase('postgres', 'current');
    const files = await migrations();
    await applyMigrations(database.engine, files);
    const url = database.url ?? '';
    theirs = await supabaseGenTypes(url, schemas);
    ours = await typesForDatabaseUrl(url, { literalUnions: false, schemas });
    embedded = await typesForMigrations(files, { literalUnions: false, schemas });
  }, 120_000);
  afterAll(async () => {
    await database?.dispose();
  });

  it('gives the Database type and Constants of supabase gen types, byte for byte', () => {
    expectSameText(withoutHelperTypes(ours), withoutHelperTypes(theirs));
  });

  it('gives the whole file of supabase gen types, byte for byte', () => {
    expectSameText(ours, theirs);
  });

  it('gives the same file from the migrations on the embedded engine', () => {
    expectSameText(embedded, theirs);
  });

  it.runIf(shows !== undefined)('types what the case is about', () => {
    expect(theirs).toContain(shows);
  });
});
