import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/db/apply-migrations.js';
import { exampleContext } from '../../src/render/context.js';
import { renderSchema, type RenderedSchema } from '../helpers/db-schema.js';
import { openStandInDatabase } from '../helpers/db-standin.js';

/** pg_prove comes with Debian's libtap-parser-sourcehandler-pgtap-perl; CI installs it. */
async function hasPgProve(): Promise<boolean> {
  return execa('pg_prove', ['--version'], { reject: false }).then(
    (r) => r.exitCode === 0,
    () => false,
  );
}

const pgProveAvailable = await hasPgProve();
const skip = !pgProveAvailable && !process.env.CI;

async function writeTests(dir: string, schema: RenderedSchema): Promise<string[]> {
  return Promise.all(
    schema.tests.map(async (test) => {
      const file = path.join(dir, path.basename(test.name));
      await writeFile(file, test.sql);
      return file;
    }),
  );
}

/** `supabase db reset` then `supabase test db`: stand-in, migrations, seed, then pg_prove over the files. */
async function prove(schema: RenderedSchema, grants: 'legacy' | 'current') {
  const db = await openStandInDatabase('postgres', grants);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pgtap-'));
  try {
    await applyMigrations(db.engine, [...schema.migrations, schema.seed]);
    const files = await writeTests(dir, schema);
    return await execa('pg_prove', ['--dbname', db.url!, ...files], { reject: false, all: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
    await db.dispose();
  }
}

const title = skip
  ? 'generated pgTAP tests (skipped: pg_prove is not installed; apt-get install postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl)'
  : 'generated pgTAP tests under pg_prove on PostgreSQL';

describe.skipIf(skip)(title, () => {
  let schema: RenderedSchema;
  beforeAll(async () => {
    schema = await renderSchema();
  });

  it('generates the test files', () => {
    expect(schema.tests.map((t) => path.basename(t.name))).toEqual([
      '01_schema.test.sql',
      '02_privileges.test.sql',
      '03_rls.test.sql',
      '04_triggers.test.sql',
    ]);
  });

  it.each(['legacy', 'current'] as const)('all pass with %s grant defaults', async (grants) => {
    const result = await prove(schema, grants);
    expect(result.all).toMatch(/All tests successful/);
    expect(result.exitCode).toBe(0);
  });

  it('pass with other tiers and statuses from the configuration', async () => {
    const custom = await renderSchema(
      exampleContext({ tiers: ['starter', 'team'], defaultTier: 'starter', subscriptionStatuses: ['active', 'canceled', 'paused'] }),
    );
    const result = await prove(custom, 'current');
    expect(result.all).toMatch(/All tests successful/);
  });

  it('fail when the schema breaks a rule they cover', async () => {
    const broken: RenderedSchema = {
      ...schema,
      migrations: [...schema.migrations, { name: 'break.sql', sql: 'grant update on public.users to authenticated;' }],
    };
    const result = await prove(broken, 'current');
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('Failed test');
    expect(result.all).toContain('A cannot change their subscription_tier');
    expect(result.all).toContain('authenticated only reads users table-wide');
  });
});
