import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, applySqlFile } from '../../src/db/apply-migrations.js';
import type { SqlEngine } from '../../src/db/engine.js';
import { installSupabaseStandIn, type GrantDefaults } from '../../src/db/standin.js';
import { exampleContext } from '../../src/render/context.js';
import { openStandInEngine } from '../helpers/db-embedded.js';
import { openTestDatabase, type EngineKind, type TestDatabase } from '../helpers/db-postgres.js';
import { renderSchema, type RenderedSchema } from '../helpers/db-schema.js';

const CASES = (['embedded', 'postgres'] as const).flatMap((kind) =>
  (['legacy', 'current'] as const).map((grants) => ({ kind, grants })),
);

async function open(kind: EngineKind, grants: GrantDefaults): Promise<{ engine: SqlEngine; dispose(): Promise<void> }> {
  if (kind === 'embedded') {
    const engine = await openStandInEngine(grants);
    return { engine, dispose: () => engine.close() };
  }
  const db: TestDatabase = await openTestDatabase('postgres');
  await installSupabaseStandIn(db.engine, { grants });
  return db;
}

const count = async (engine: SqlEngine, sql: string): Promise<number> =>
  (await engine.query<{ n: number }>(`select (${sql})::int as n`))[0]!.n;

describe.each(CASES)('migrations and seed on $kind, $grants grant defaults', ({ kind, grants }) => {
  let schema: RenderedSchema;
  let db: { engine: SqlEngine; dispose(): Promise<void> };
  beforeAll(async () => {
    schema = await renderSchema();
    db = await open(kind, grants);
  });
  afterAll(() => db.dispose());

  it('applies both migrations', async () => {
    await applyMigrations(db.engine, schema.migrations);
    expect(await count(db.engine, `select count(*) from pg_tables where schemaname = 'public'`)).toBe(5);
  });

  it('seeds users through auth.users, every status, tier and job status', async () => {
    await applySqlFile(db.engine, schema.seed);
    const e = db.engine;
    const context = exampleContext();
    expect(await count(e, `select count(*) from auth.users`)).toBe(context.subscriptionStatuses.length + 3);
    expect(await count(e, `select count(*) from public.users`)).toBe(context.subscriptionStatuses.length + 3);
    expect(await count(e, `select count(*) from public.users where email is null`)).toBe(2);
    expect(await count(e, `select count(distinct status) from public.subscriptions`)).toBe(context.subscriptionStatuses.length);
    expect(await count(e, `select count(distinct subscription_tier) from public.users`)).toBe(context.tiers.length);
    expect(await count(e, `select count(distinct status) from public.jobs`)).toBe(5);
    expect(await count(e, `select count(*) from public.assets where file_size > 2147483647`)).toBeGreaterThan(0);
    expect(await count(e, `select count(*) from public.subscription_audit`)).toBe(context.subscriptionStatuses.length);
  });

  it('runs the seed again without error or new rows', async () => {
    const tables = ['auth.users', 'auth.identities', 'public.users', 'public.subscriptions', 'public.jobs', 'public.assets', 'public.subscription_audit'];
    const before = await Promise.all(tables.map((t) => count(db.engine, `select count(*) from ${t}`)));
    await applySqlFile(db.engine, schema.seed);
    const after = await Promise.all(tables.map((t) => count(db.engine, `select count(*) from ${t}`)));
    expect(after).toEqual(before);
  });
});
