import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { HELPER_TYPES_FILE } from '../../src/types-gen/helper-types.js';
import { renderDatabaseTypes } from '../../src/types-gen/render.js';
import { compileStrict, type CompileResult } from './support/typecheck.js';
import { sampleModel } from './support/sample-types.js';

const PRELUDE = `
import { createClient } from '@supabase/supabase-js';
import { createBrowserClient, createServerClient } from '@supabase/ssr';
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function expectType<T extends true>(): void {}
`;

/** Functions over rows: a computed column, a computed relationship and a composite result. */
const ROW_FUNCTIONS_SQL = `
create function public.display_name(u public.users) returns text
  language sql stable as $$ select coalesce(u.name, u.email) $$;
create function public.user_job_list(public.users) returns setof public.jobs
  language sql stable as $$ select * from public.jobs where user_id = $1.id $$;
create function public.price_of(p_job bigint) returns public.money_pair
  language sql stable as $$ select price from public.jobs where id = p_job $$;
`;

/** Typed queries against the sample schema; every expectation is a compile-time check. */
const APP = `${PRELUDE}
import type { CompositeTypes, Database, Enums, Json, Tables, TablesInsert, TablesUpdate } from './database.types';
import { Constants } from './database.types';

const supabase = createClient<Database>('http://127.0.0.1:54321', 'sb_publishable_test');

export async function selects() {
  const { data: user } = await supabase.from('users').select('id, email, name, subscription_tier, subscription_status').single();
  if (user) {
    expectType<Equal<typeof user.id, string>>();
    expectType<Equal<typeof user.email, string>>();
    expectType<Equal<typeof user.name, string | null>>();
    expectType<Equal<typeof user.subscription_tier, 'free' | 'pro' | 'studio' | 'enterprise'>>();
    expectType<Equal<typeof user.subscription_status, 'active' | 'past_due' | 'canceled' | 'incomplete' | 'incomplete_expired' | 'trialing' | 'unpaid' | 'paused' | null>>();
  }
  const { data: jobs } = await supabase.from('jobs').select('id, status, price, users(email)');
  if (jobs?.[0]) {
    expectType<Equal<typeof jobs[0]['id'], number>>();
    expectType<Equal<typeof jobs[0]['status'], 'queued' | 'running' | 'done'>>();
    expectType<Equal<typeof jobs[0]['price'], { amount: number | null; currency: string | null } | null>>();
    // Many-to-one embedding resolved through Relationships.
    expectType<Equal<typeof jobs[0]['users'], { email: string }>>();
  }
  const { data: sub } = await supabase.from('subscriptions').select('tier, tags, meta, billing_email, period, users(id)').single();
  if (sub) {
    expectType<Equal<typeof sub.tier, 'free' | 'pro'>>();
    expectType<Equal<typeof sub.tags, string[]>>();
    expectType<Equal<typeof sub.meta, Json | null>>();
    expectType<Equal<typeof sub.billing_email, string | null>>();
    expectType<Equal<typeof sub.period, unknown>>();
  }
  // Views embed through the foreign keys of the tables they show.
  const { data: counts } = await supabase.from('job_counts').select('total, users(email)');
  if (counts?.[0]) {
    expectType<Equal<typeof counts[0]['total'], number | null>>();
    expectType<Equal<typeof counts[0]['users'], { email: string } | null>>();
  }
  const { data: active } = await supabase.from('active_users').select('*');
  expectType<Equal<NonNullable<typeof active>[number], { email: string | null; id: string | null }>>();

  // @ts-expect-error no such column
  const { data: wrong } = await supabase.from('users').select('nickname').single(); wrong?.nickname;
  // @ts-expect-error no such column in a filter
  await supabase.from('users').select('id').eq('nickname', 'x');
  // @ts-expect-error no such table
  await supabase.from('profiles').select('*');
}

// The clients the generator writes take the same generic.
export async function ssrClients() {
  const browser = createBrowserClient<Database>('http://127.0.0.1:54321', 'sb_publishable_test');
  const server = createServerClient<Database>('http://127.0.0.1:54321', 'sb_publishable_test', {
    cookies: { getAll: () => [], setAll: () => {} },
  });
  const { data: fromBrowser } = await browser.from('users').select('subscription_tier').single();
  if (fromBrowser) expectType<Equal<typeof fromBrowser.subscription_tier, 'free' | 'pro' | 'studio' | 'enterprise'>>();
  const { data: fromServer } = await server.from('jobs').select('status').single();
  if (fromServer) expectType<Equal<typeof fromServer.status, 'queued' | 'running' | 'done'>>();
  // @ts-expect-error no such column
  await server.from('jobs').update({ state: 'done' }).eq('id', 1);
}

export async function writes(id: string) {
  await supabase.from('users').insert({ id, email: 'a@example.com' });
  await supabase.from('users').update({ subscription_tier: 'pro', subscription_status: null }).eq('id', id);
  await supabase.from('jobs').insert({ user_id: id });
  await supabase.from('subscriptions').insert({ user_id: id, tier: 'free' });
  // @ts-expect-error email is required (not null, no default)
  await supabase.from('users').insert({ id });
  // @ts-expect-error not a tier allowed by the CHECK constraint
  await supabase.from('users').update({ subscription_tier: 'platinum' }).eq('id', id);
  // @ts-expect-error no such column
  await supabase.from('users').update({ nickname: 'x' }).eq('id', id);
  // @ts-expect-error generated always as identity: never written
  await supabase.from('subscriptions').insert({ user_id: id, tier: 'free', seq: 1 });
  // @ts-expect-error generated column: never written
  await supabase.from('subscriptions').update({ doubled: 2 }).eq('user_id', id);
  // @ts-expect-error not a view column that can be written
  await supabase.from('job_counts').insert({ total: 1 });
}

export async function rowFunctions(id: string) {
  const { data: named } = await supabase.from('users').select('id, display_name').eq('id', id).single();
  if (named) expectType<Equal<typeof named.display_name, string | null>>();
  const { data: withJobs } = await supabase.from('users').select('id, user_job_list(status)').eq('id', id).single();
  if (withJobs) expectType<Equal<typeof withJobs.user_job_list, { status: 'queued' | 'running' | 'done' }[]>>();
  const { data: price } = await supabase.rpc('price_of', { p_job: 1 });
  if (price) expectType<Equal<typeof price, CompositeTypes<'money_pair'>>>();
}

export async function functions(id: string) {
  const { data: tier } = await supabase.rpc('tier_of', { p_user: id });
  expectType<Equal<typeof tier, string | null>>();
  const { data: jobs } = await supabase.rpc('user_jobs', { p_user: id });
  expectType<Equal<typeof jobs, Tables<'jobs'>[] | null>>();
  await supabase.rpc('user_jobs', { p_user: id, p_limit: 5 });
  const { data: stats } = await supabase.rpc('usage_stats');
  expectType<Equal<typeof stats, { total: number; tiers: string[] }[] | null>>();
  const { data: echoed } = await supabase.rpc('ping', { message: 'hi' });
  expectType<Equal<typeof echoed, string | null>>();
  await supabase.rpc('ping');
  // @ts-expect-error p_user is required
  await supabase.rpc('tier_of', {});
  // @ts-expect-error trigger functions are not callable over the API
  await supabase.rpc('touch_updated_at');
}

// Insert optionality follows nullability, defaults and identity, like supabase gen types.
type UserInsert = TablesInsert<'users'>;
expectType<Equal<UserInsert['email'], string>>();
expectType<Equal<UserInsert['id'], string>>();
expectType<Equal<UserInsert['name'], string | null | undefined>>();
expectType<Equal<UserInsert['created_at'], string | undefined>>();
expectType<Equal<UserInsert['monthly_usage'], number | undefined>>();
expectType<Equal<TablesInsert<'jobs'>['id'], number | undefined>>();
expectType<Equal<TablesInsert<'subscriptions'>['seq'], undefined>>();
expectType<Equal<TablesUpdate<'users'>['email'], string | undefined>>();
expectType<Equal<Tables<'tier_counts'>['total'], number | null>>();
expectType<Equal<Enums<'job_status'>, 'queued' | 'running' | 'done'>>();
expectType<Equal<CompositeTypes<'money_pair'>, { amount: number | null; currency: string | null }>>();
expectType<Equal<(typeof Constants)['public']['Enums']['job_status'], readonly ['queued', 'running', 'done']>>();
expectType<Equal<Tables<{ schema: 'public' }, 'users'>, Tables<'users'>>>();
`;

/** With literal unions off the CHECK-constrained columns are plain strings, as Supabase emits them. */
const PARITY = `${PRELUDE}
import type { Database, TablesInsert } from './database-parity.types';

const supabase = createClient<Database>('http://127.0.0.1:54321', 'sb_publishable_test');

export async function parity(id: string) {
  const { data } = await supabase.from('users').select('subscription_tier').single();
  if (data) expectType<Equal<typeof data.subscription_tier, string>>();
  await supabase.from('users').update({ subscription_tier: 'platinum' }).eq('id', id);
}
expectType<Equal<TablesInsert<'subscriptions'>['tier'], string>>();
`;

describe('generated types against the real @supabase/supabase-js, strict mode', () => {
  let result: CompileResult;

  beforeAll(async () => {
    const model = await sampleModel(ROW_FUNCTIONS_SQL);
    result = await compileStrict({
      'database.types.ts': renderDatabaseTypes(model, { literalUnions: true }),
      'database-parity.types.ts': renderDatabaseTypes(model, { literalUnions: false }),
      'app.ts': APP,
      'parity.ts': PARITY,
    });
  });

  it('compiles: every type expectation holds and every @ts-expect-error line is an error', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

describe('the shipped helper types file', () => {
  it('typechecks on its own against a generated Database and types its tables, enums and composites', async () => {
    const model = await sampleModel();
    const result = await compileStrict({
      'database.types.ts': renderDatabaseTypes(model, { literalUnions: true }),
      'helper-types.ts': await readFile(HELPER_TYPES_FILE, 'utf8'),
      'app.ts': `${PRELUDE}
import type { CompositeTypes, Enums, Tables, TablesInsert, TablesUpdate } from './helper-types';
expectType<Equal<Tables<'users'>['email'], string>>();
expectType<Equal<Tables<{ schema: 'public' }, 'users'>, Tables<'users'>>>();
expectType<Equal<Tables<'tier_counts'>['total'], number | null>>();
expectType<Equal<TablesInsert<'users'>['name'], string | null | undefined>>();
expectType<Equal<TablesUpdate<'users'>['email'], string | undefined>>();
expectType<Equal<Enums<'job_status'>, 'queued' | 'running' | 'done'>>();
expectType<Equal<CompositeTypes<'money_pair'>, { amount: number | null; currency: string | null }>>();
// @ts-expect-error no such table
export type Missing = Tables<'profiles'>;
`,
    });

    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

describe('the compile check itself', () => {
  it('fails when a @ts-expect-error line compiles, so the expectations above can fail', async () => {
    const model = await sampleModel();
    const result = await compileStrict({
      'database.types.ts': renderDatabaseTypes(model, { literalUnions: true }),
      'app.ts': `${PRELUDE}
import type { Database } from './database.types';
const supabase = createClient<Database>('http://127.0.0.1:54321', 'k');
export async function q() {
  // @ts-expect-error email is a real column
  await supabase.from('users').select('email');
}
`,
    });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.join('\n')).toMatch(/TS2578/);
  });
});
