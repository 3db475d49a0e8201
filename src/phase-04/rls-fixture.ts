/**
 * The rows the RLS matrix acts on: two signed-up users, A and B, each with a profile, a
 * subscription, a job, an asset and an audit row. The users sign up through the auth service,
 * the rows are created as the session role, inside the caller's transaction, with fresh ids, so they never collide with existing data.
 */
import { randomUUID } from 'node:crypto';
import type { SqlEngine, SqlStep } from '../db/engine.js';
import { signUp } from '../emulation/auth-service.js';
import type { PhaseTable } from './spec.js';

export type FixtureUserLabel = 'A' | 'B';

export interface FixtureUser {
  readonly label: FixtureUserLabel;
  readonly id: string;
  readonly email: string;
  /** Row id in each table (for `users`, the user id). */
  readonly rows: Readonly<Record<PhaseTable, string>>;
}

export interface Fixture {
  readonly a: FixtureUser;
  readonly b: FixtureUser;
  /** The tier new profiles get (the column default), valid for subscriptions too. */
  readonly defaultTier: string;
  /** Label of a user id, for reading results; unknown ids are shown as they are. */
  labelOf(id: string): string;
}

export async function createFixture(engine: SqlEngine): Promise<Fixture> {
  const tag = randomUUID().slice(0, 8);
  const a = plannedUser('A', tag);
  const b = plannedUser('B', tag);
  for (const user of [a, b]) await insertUser(engine, user, tag);
  const [profile] = await engine.query<{ tier: string }>(`select subscription_tier as tier from public.users where id = $1`, [a.id]);
  const defaultTier = profile?.tier ?? 'free';
  // One batch: the rows are independent of one another's results.
  const { failure } = await engine.runSteps([a, b].flatMap((user) => ownedRows(user, tag, defaultTier)));
  if (failure) throw failure.error;
  const labels = new Map([
    [a.id, 'A'],
    [b.id, 'B'],
  ]);
  return { a, b, defaultTier, labelOf: (id) => labels.get(id) ?? id };
}

function plannedUser(label: FixtureUserLabel, tag: string): FixtureUser {
  const id = randomUUID();
  return {
    label,
    id,
    email: `rls-${label.toLowerCase()}-${tag}@example.test`,
    rows: {
      users: id,
      subscriptions: randomUUID(),
      jobs: randomUUID(),
      assets: randomUUID(),
      subscription_audit: randomUUID(),
    },
  };
}

async function insertUser(engine: SqlEngine, user: FixtureUser, tag: string): Promise<void> {
  await signUp(engine, { id: user.id, email: user.email, userMetadata: { name: `RLS ${user.label} ${tag}` } });
}

function ownedRows(user: FixtureUser, tag: string, tier: string): SqlStep[] {
  const { id, rows, label } = user;
  const query = (sql: string, params: unknown[]): SqlStep => ({ kind: 'query', sql, params });
  return [
    query(
      `insert into public.subscriptions
       (id, user_id, stripe_subscription_id, stripe_customer_id, tier, status, current_period_start, current_period_end)
     values ($1, $2, $3, $4, $5, 'active', now(), now() + interval '30 days')`,
      [rows.subscriptions, id, `sub_rls_${label}_${tag}`, `cus_rls_${label}_${tag}`, tier],
    ),
    query(
      `insert into public.jobs (id, user_id, job_type, status, progress, result, completed_at)
     values ($1, $2, 'rls-matrix', 'completed', 100, '{}', now())`,
      [rows.jobs, id],
    ),
    query(
      `insert into public.assets (id, job_id, user_id, asset_type, url, storage_path, file_size)
     values ($1, $2, $3, 'image', 'https://example.com/rls-matrix', 'rls-matrix/output', 1)`,
      [rows.assets, rows.jobs, id],
    ),
    query(`insert into public.subscription_audit (id, subscription_id, user_id, action) values ($1, $2, $3, 'rls-matrix')`, [
      rows.subscription_audit,
      rows.subscriptions,
      id,
    ]),
  ];
}
