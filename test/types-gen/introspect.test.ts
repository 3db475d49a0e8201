import type { SqlEngine } from '../../src/db/engine.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectSchema } from '../../src/types-gen/introspect.js';
import type { SchemaModel, TableModel } from '../../src/types-gen/model.js';
import { engineWith } from './support/embedded.js';
import { postgresWith, type TemporaryDatabase } from './support/postgres.js';
import { AUTH_STUB_SQL, SAMPLE_SCHEMA_SQL } from './support/sample-schema.js';

const table = (model: SchemaModel, name: string): TableModel => {
  const found = model.tables.find((t) => t.name === name);
  if (!found) throw new Error(`no table ${name}`);
  return found;
};
const column = (model: SchemaModel, tableName: string, name: string) => {
  const found = table(model, tableName).columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${tableName}.${name}`);
  return found;
};

describe('introspectSchema on the embedded engine', () => {
  let db: SqlEngine;
  let model: SchemaModel;

  beforeAll(async () => {
    db = await engineWith(AUTH_STUB_SQL + SAMPLE_SCHEMA_SQL);
    model = await introspectSchema(db);
  });
  afterAll(async () => {
    await db.close();
  });

  it('lists tables, views and their columns by name', () => {
    expect(model.schema).toBe('public');
    expect(model.tables.map((t) => t.name)).toEqual(['jobs', 'subscriptions', 'users']);
    expect(model.views.map((v) => [v.name, v.materialized, v.updatable])).toEqual([
      ['active_users', false, true],
      ['job_counts', false, false],
      ['tier_counts', true, false],
    ]);
    expect(table(model, 'users').columns.map((c) => c.name)).toEqual([
      'created_at',
      'email',
      'id',
      'monthly_usage',
      'name',
      'subscription_status',
      'subscription_tier',
    ]);
  });

  it('records nullability, defaults, identity and generated columns', () => {
    expect(column(model, 'users', 'name')).toMatchObject({ nullable: true, defaultExpression: null });
    expect(column(model, 'users', 'email')).toMatchObject({ nullable: false, defaultExpression: null });
    expect(column(model, 'users', 'created_at')).toMatchObject({ nullable: false, defaultExpression: 'now()' });
    expect(column(model, 'subscriptions', 'seq')).toMatchObject({ identity: 'always', generated: false });
    expect(column(model, 'jobs', 'id')).toMatchObject({ identity: 'by default' });
    expect(column(model, 'subscriptions', 'doubled')).toMatchObject({ generated: true, defaultExpression: null });
  });

  it('resolves base, array, enum and composite types', () => {
    expect(column(model, 'users', 'email').type).toEqual({ kind: 'base', name: 'text' });
    expect(column(model, 'subscriptions', 'tags').type).toEqual({ kind: 'array', element: { kind: 'base', name: 'text' } });
    expect(column(model, 'jobs', 'status').type).toEqual({
      kind: 'enum',
      schema: 'public',
      name: 'job_status',
      values: ['queued', 'running', 'done'],
    });
    expect(column(model, 'jobs', 'history').type).toMatchObject({ kind: 'array', element: { kind: 'enum' } });
    expect(column(model, 'jobs', 'price').type).toEqual({ kind: 'composite', schema: 'public', name: 'money_pair' });
    // A domain is its base type; a range is a base type by name (rendered unknown, like supabase gen types).
    expect(column(model, 'subscriptions', 'billing_email').type).toEqual({ kind: 'base', name: 'text' });
    expect(column(model, 'subscriptions', 'period').type).toEqual({ kind: 'base', name: 'tstzrange' });
  });

  it('reads validated CHECK IN-lists on text and varchar columns only', () => {
    expect(column(model, 'users', 'subscription_tier').allowedValues).toEqual(['free', 'pro', 'studio', 'enterprise']);
    expect(column(model, 'users', 'subscription_status').allowedValues).toContain('incomplete_expired');
    expect(column(model, 'subscriptions', 'tier').allowedValues).toEqual(['free', 'pro']);
    expect(column(model, 'users', 'monthly_usage').allowedValues).toBeNull();
    // NOT VALID: existing rows may hold other values.
    expect(column(model, 'subscriptions', 'legacy_state').allowedValues).toBeNull();
  });

  it('reads foreign keys with names, referenced relations and one-to-one keys', () => {
    expect(table(model, 'subscriptions').relationships).toEqual([
      {
        foreignKeyName: 'subscriptions_user_id_fkey',
        columns: ['user_id'],
        isOneToOne: true,
        referencedSchema: 'public',
        referencedRelation: 'active_users',
        referencedColumns: ['id'],
      },
      {
        foreignKeyName: 'subscriptions_user_id_fkey',
        columns: ['user_id'],
        isOneToOne: true,
        referencedSchema: 'public',
        referencedRelation: 'users',
        referencedColumns: ['id'],
      },
    ]);
    expect(table(model, 'jobs').relationships.map((r) => [r.foreignKeyName, r.referencedRelation, r.isOneToOne])).toEqual([
      ['jobs_user_id_fkey', 'active_users', false],
      ['jobs_user_id_fkey', 'users', false],
    ]);
    expect(table(model, 'users').relationships).toEqual([
      expect.objectContaining({ referencedSchema: 'auth', referencedRelation: 'users', isOneToOne: true }),
    ]);
  });

  it('lets views take part in relationships where they show every key column, like PostgREST', () => {
    const view = (name: string) => model.views.find((v) => v.name === name);
    // job_counts shows jobs.user_id (as user_id): the jobs foreign key holds for the view too.
    expect(view('job_counts')?.relationships).toEqual([
      {
        foreignKeyName: 'jobs_user_id_fkey',
        columns: ['user_id'],
        isOneToOne: false,
        referencedSchema: 'public',
        referencedRelation: 'active_users',
        referencedColumns: ['id'],
      },
      {
        foreignKeyName: 'jobs_user_id_fkey',
        columns: ['user_id'],
        isOneToOne: false,
        referencedSchema: 'public',
        referencedRelation: 'users',
        referencedColumns: ['id'],
      },
    ]);
    // active_users shows users.id, whose only key points into auth: nothing embeddable.
    expect(view('active_users')?.relationships.map((r) => r.referencedSchema)).toEqual(['auth']);
    expect(view('tier_counts')?.relationships).toEqual([]);
  });

  it('keeps callable functions, with argument modes and defaults, and drops trigger functions', () => {
    expect(model.functions.map((f) => `${f.name}(${f.signature})`)).toEqual([
      'ping()',
      'ping(message text)',
      'tier_of(p_user uuid)',
      'usage_stats()',
      'user_jobs(p_user uuid, p_limit integer)',
    ]);
    const userJobs = model.functions.find((f) => f.name === 'user_jobs');
    expect(userJobs?.args.map((a) => [a.name, a.mode, a.hasDefault])).toEqual([
      ['p_user', 'in', false],
      ['p_limit', 'in', true],
    ]);
    expect(userJobs?.returnsSet).toBe(true);
    expect(userJobs?.returns).toEqual({ kind: 'row', schema: 'public', relation: 'jobs', relationKind: 'table' });
    const stats = model.functions.find((f) => f.name === 'usage_stats');
    expect(stats?.args.map((a) => [a.name, a.mode])).toEqual([
      ['total', 'table'],
      ['tiers', 'table'],
    ]);
  });

  it('reads enums in declared order and composite attributes in declared order', () => {
    expect(model.enums).toEqual([{ name: 'job_status', values: ['queued', 'running', 'done'] }]);
    expect(model.compositeTypes).toEqual([
      {
        name: 'money_pair',
        attributes: [
          { name: 'amount', type: { kind: 'base', name: 'numeric' } },
          { name: 'currency', type: { kind: 'base', name: 'text' } },
        ],
      },
    ]);
  });

  it('introspects another schema when asked', async () => {
    const auth = await introspectSchema(db, 'auth');
    expect(auth.tables.map((t) => t.name)).toEqual(['users']);
    expect(auth.functions).toEqual([]);
  });

  it('gives the same model on PostgreSQL', async () => {
    let database: TemporaryDatabase | undefined;
    try {
      database = await postgresWith(AUTH_STUB_SQL + SAMPLE_SCHEMA_SQL);
      expect(await introspectSchema(database.engine)).toEqual(model);
    } finally {
      await database?.drop();
    }
  });
});
