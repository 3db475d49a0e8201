import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, applySqlFile } from '../../src/db/apply-migrations.js';
import type { SqlEngine } from '../../src/db/engine.js';
import { exampleContext } from '../../src/render/context.js';
import type { TestDatabase } from '../helpers/db-postgres.js';
import { renderSchema, type RenderedSchema } from '../helpers/db-schema.js';
import { ENGINE_GRANT_CASES, openStandInDatabase } from '../helpers/db-standin.js';

const count = async (engine: SqlEngine, sql: string): Promise<number> =>
  (await engine.query<{ n: number }>(`select (${sql})::int as n`))[0]!.n;

describe.each(ENGINE_GRANT_CASES)('migrations and seed on $kind, $grants grant defaults', ({ kind, grants }) => {
  let schema: RenderedSchema;
  let db: TestDatabase;
  beforeAll(async () => {
    schema = await renderSchema();
    db = await openStandInDatabase(kind, grants);
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

  it('gives every email user the password local-dev-only, as a bcrypt hash GoTrue accepts', async () => {
    const e = db.engine;
    const emailUsers = exampleContext().subscriptionStatuses.length + 1;
    expect(await count(e, `select count(*) from auth.users where email is not null`)).toBe(emailUsers);
    expect(
      await count(
        e,
        `select count(*) from auth.users
          where encrypted_password like '$2a$%' and encrypted_password = extensions.crypt('local-dev-only', encrypted_password)`,
      ),
    ).toBe(emailUsers);
    expect(await count(e, `select count(*) from auth.users where email is null and encrypted_password is not null`)).toBe(0);
  });

  it('runs the seed again without error or new rows', async () => {
    const tables = [
      'auth.users',
      'auth.identities',
      'public.users',
      'public.subscriptions',
      'public.jobs',
      'public.assets',
      'public.subscription_audit',
    ];
    const before = await Promise.all(tables.map((t) => count(db.engine, `select count(*) from ${t}`)));
    await applySqlFile(db.engine, schema.seed);
    const after = await Promise.all(tables.map((t) => count(db.engine, `select count(*) from ${t}`)));
    expect(after).toEqual(before);
  });
});
