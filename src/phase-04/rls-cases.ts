/**
 * What the RLS matrix asserts: every role against every table and operation, then the
 * privilege rules a policy alone cannot express (column limits, forged jobs, sign-ups without
 * an email, email sync, cascades).
 */
import { INSUFFICIENT_PRIVILEGE } from '../db/sql-error.js';
import type { Fixture, FixtureUser } from './rls-fixture.js';
import { PHASE_ROUTINE_NAMES, PHASE_TABLES, type PhaseRoutineNames, type PhaseTable } from './spec.js';

export type Actor = 'anon' | 'user A' | 'user B' | 'service_role' | 'auth service';
export const MATRIX_ACTORS = ['anon', 'user A', 'user B', 'service_role'] as const satisfies readonly Actor[];
export const MATRIX_OPERATIONS = ['select', 'insert', 'update', 'delete'] as const;
export type MatrixOperation = (typeof MATRIX_OPERATIONS)[number];

export interface Statement {
  readonly sql: string;
  readonly params: unknown[];
}

export interface RlsCase {
  readonly name: string;
  /** `auth service`: Supabase Auth writing auth.users, as supabase_auth_admin (src/emulation/auth-service.ts). */
  readonly actor: Actor;
  /**
   * `rows: A,B` (owners of the rows returned, sorted; `rows: none`), `error <SQLSTATE>`, or, when
   * `check` is set, the text the check returns.
   */
  readonly expected: string;
  /** Runs as the session role before the actor's statement. */
  readonly setup?: (f: Fixture) => Statement;
  /** Returns the owner of each affected row in a column `owner`. */
  readonly statement: (f: Fixture) => Statement;
  /** Runs as the session role after a successful statement; returns one row `{ result: text }`. */
  readonly check?: (f: Fixture) => Statement;
  /** When the case fails: what is then wrong on the project, and the fix. */
  readonly violation?: string;
}

const DENIED = `error ${INSUFFICIENT_PRIVILEGE}`;
const ids = (...values: string[]): string => `{${values.join(',')}}`;
const owner = (table: PhaseTable): string => (table === 'users' ? 'id' : 'user_id');
const both = (f: Fixture, table: PhaseTable): string => ids(f.a.rows[table], f.b.rows[table]);

/** A harmless change per table: a column the owner's policies would allow, when any. */
const UPDATE_SET: Record<PhaseTable, string> = {
  users: `name = 'rls matrix'`,
  subscriptions: 'cancel_at_period_end = not cancel_at_period_end',
  jobs: 'progress = progress',
  assets: `metadata = '{"rls": true}'`,
  subscription_audit: `details = '{"rls": true}'`,
};

/** Inserts a row owned by user A, after `INSERT_SETUP` made room for it. */
const INSERT: Record<PhaseTable, (f: Fixture) => Statement> = {
  users: (f) => ({ sql: `insert into public.users (id, email) values ($1, $2) returning id as owner`, params: [f.a.id, f.a.email] }),
  subscriptions: (f) => ({
    sql: `insert into public.subscriptions
            (user_id, stripe_subscription_id, stripe_customer_id, tier, status, current_period_start, current_period_end)
          values ($1, $2, $3, $4, 'active', now(), now() + interval '30 days') returning user_id as owner`,
    params: [f.a.id, `sub_rls_new_${f.a.id}`, `cus_rls_new_${f.a.id}`, f.defaultTier],
  }),
  // The payload of the jobs API, sent with the user's session.
  jobs: (f) => ({
    sql: `insert into public.jobs (user_id, job_type, parameters, status, progress)
          values ($1, 'rls-matrix', '{"n": 1}', 'queued', 0) returning user_id as owner`,
    params: [f.a.id],
  }),
  assets: (f) => ({
    sql: `insert into public.assets (job_id, user_id, asset_type, url, storage_path, file_size)
          values ($1, $2, 'image', 'https://example.com/rls-new', 'rls-new/output', 1) returning user_id as owner`,
    params: [f.a.rows.jobs, f.a.id],
  }),
  subscription_audit: (f) => ({
    sql: `insert into public.subscription_audit (subscription_id, user_id, action)
          values ($1, $2, 'rls-new') returning user_id as owner`,
    params: [f.a.rows.subscriptions, f.a.id],
  }),
};

/** user A's existing profile or subscription would collide with the inserted one. */
const INSERT_SETUP: Partial<Record<PhaseTable, (f: Fixture) => Statement>> = {
  users: (f) => ({ sql: `delete from public.users where id = $1`, params: [f.a.id] }),
  subscriptions: (f) => ({ sql: `delete from public.subscriptions where user_id = $1`, params: [f.a.id] }),
};

function matrixStatement(table: PhaseTable, operation: MatrixOperation): (f: Fixture) => Statement {
  const t = `public.${table}`;
  switch (operation) {
    case 'select':
      return (f) => ({ sql: `select ${owner(table)} as owner from ${t} where id = any($1::uuid[])`, params: [both(f, table)] });
    case 'insert':
      return INSERT[table];
    case 'update':
      return (f) => ({
        sql: `update ${t} set ${UPDATE_SET[table]} where id = any($1::uuid[]) returning ${owner(table)} as owner`,
        params: [both(f, table)],
      });
    case 'delete':
      return (f) => ({ sql: `delete from ${t} where id = any($1::uuid[]) returning ${owner(table)} as owner`, params: [both(f, table)] });
  }
}

/** The intended access: anon nothing; users read their own rows, edit their profile, queue jobs; service_role all. */
export function expectedMatrixOutcome(actor: (typeof MATRIX_ACTORS)[number], table: PhaseTable, operation: MatrixOperation): string {
  if (actor === 'anon') return DENIED;
  if (actor === 'service_role') return operation === 'insert' ? 'rows: A' : 'rows: A,B';
  const self = actor === 'user A' ? 'A' : 'B';
  switch (operation) {
    case 'select':
      return `rows: ${self}`;
    case 'update':
      return table === 'users' ? `rows: ${self}` : DENIED;
    case 'insert':
      // Rows are inserted for user A: user B is refused by the jobs policy, everyone by the other tables' grants.
      return table === 'jobs' && self === 'A' ? 'rows: A' : DENIED;
    case 'delete':
      return DENIED;
  }
}

export function matrixCases(): RlsCase[] {
  return MATRIX_ACTORS.flatMap((actor) =>
    PHASE_TABLES.flatMap((table) =>
      MATRIX_OPERATIONS.map((operation) => {
        const setup = operation === 'insert' ? INSERT_SETUP[table] : undefined;
        return {
          name: `${actor} ${operation} ${table}`,
          actor,
          expected: expectedMatrixOutcome(actor, table, operation),
          ...(setup ? { setup } : {}),
          statement: matrixStatement(table, operation),
        };
      }),
    ),
  );
}

const updateOwnProfile =
  (assignment: string) =>
  (f: Fixture): Statement => ({ sql: `update public.users set ${assignment} where id = $1 returning id as owner`, params: [f.a.id] });

const queueJob =
  (columns: string, values: string, userOf: (f: Fixture) => FixtureUser = (f) => f.a) =>
  (f: Fixture): Statement => ({
    sql: `insert into public.jobs (user_id, job_type, ${columns}) values ($1, 'rls-rule', ${values}) returning user_id as owner`,
    params: [userOf(f).id],
  });

const profileOf =
  (id: (f: Fixture) => string) =>
  (f: Fixture): Statement => ({
    sql: `select coalesce((select 'profile email ' || coalesce(email, 'null') from public.users where id = $1), 'no profile') as result`,
    params: [id(f)],
  });

const QUEUE_REFUSED =
  'users cannot queue jobs through the Data API: grant insert (user_id, job_type, parameters, status, progress) on public.jobs to authenticated, with an insert policy for their own queued jobs';

const FORGED_JOB =
  "forged jobs: a signed-in user can insert a job as if the worker had run it; grant insert on public.jobs to authenticated only on (user_id, job_type, parameters, status, progress), and require status = 'queued' and progress = 0 in its policy";

const NEW_USER = '00000000-0000-4000-8000-00000000c0de';

/** The rules, calling the phase's functions by the names they have in this database. */
export function ruleCases(names: PhaseRoutineNames = PHASE_ROUTINE_NAMES): RlsCase[] {
  return [
    // Item 1: a profile update is limited to name and avatar_url.
    ...[
      'subscription_tier = subscription_tier',
      "subscription_status = 'active'",
      'monthly_usage = 0',
      'usage_reset_at = now()',
      "email = 'other@example.test'",
      'id = id',
    ].map((assignment): RlsCase => {
      const column = assignment.split(' ')[0]!;
      return {
        name: `user A cannot set own ${column}`,
        actor: 'user A',
        expected: DENIED,
        statement: updateOwnProfile(assignment),
        violation: `privilege escalation: a signed-in user can change their own ${column} through the Data API; grant update on public.users to authenticated on (name, avatar_url) only`,
      };
    }),
    {
      name: 'user A updates own name and avatar_url',
      actor: 'user A',
      expected: 'rows: A',
      statement: updateOwnProfile(`name = 'A renamed', avatar_url = 'https://example.com/a.png'`),
      violation:
        'users cannot edit their own profile: grant update (name, avatar_url) on public.users to authenticated, with an update policy for their own row',
    },
    {
      name: "user A cannot update user B's name",
      actor: 'user A',
      expected: 'rows: none',
      statement: (f) => ({ sql: `update public.users set name = 'taken over' where id = $1 returning id as owner`, params: [f.b.id] }),
      violation:
        "a signed-in user can edit another user's profile: the update policy on public.users must be using ((select auth.uid()) = id)",
    },
    // Item 2: a user only queues jobs.
    {
      name: 'user A queues a job with the jobs API payload',
      actor: 'user A',
      expected: 'rows: A',
      statement: queueJob('parameters, status, progress', `'{"n": 1}', 'queued', 0`),
      violation: QUEUE_REFUSED,
    },
    {
      name: 'user A queues a job with defaults only',
      actor: 'user A',
      expected: 'rows: A',
      statement: queueJob('parameters', `'{}'`),
      violation: QUEUE_REFUSED,
    },
    {
      name: 'user A cannot insert a completed job with a result',
      actor: 'user A',
      expected: DENIED,
      statement: queueJob('status, progress, result, completed_at', `'completed', 100, '{"forged": true}', now()`),
      violation: FORGED_JOB,
    },
    {
      name: 'user A cannot insert a job as completed',
      actor: 'user A',
      expected: DENIED,
      statement: queueJob('status', `'completed'`),
      violation: FORGED_JOB,
    },
    {
      name: 'user A cannot insert a job as processing',
      actor: 'user A',
      expected: DENIED,
      statement: queueJob('status', `'processing'`),
      violation: FORGED_JOB,
    },
    {
      name: 'user A cannot insert a job with progress',
      actor: 'user A',
      expected: DENIED,
      statement: queueJob('progress', '50'),
      violation: FORGED_JOB,
    },
    {
      name: 'user A cannot insert a job with an error',
      actor: 'user A',
      expected: DENIED,
      statement: queueJob('error_message', `'x'`),
      violation: FORGED_JOB,
    },
    {
      name: 'user A cannot insert a job for user B',
      actor: 'user A',
      expected: DENIED,
      statement: queueJob('status', `'queued'`, (f) => f.b),
      violation:
        "a signed-in user can queue jobs in another user's name: the insert policy on public.jobs must check (select auth.uid()) = user_id",
    },
    {
      name: 'user A cannot complete own job',
      actor: 'user A',
      expected: DENIED,
      statement: (f) => ({
        sql: `update public.jobs set status = 'completed' where id = $1 returning user_id as owner`,
        params: [f.a.rows.jobs],
      }),
      violation:
        'a signed-in user can change their own job (status, result) through the Data API: grant authenticated no update on public.jobs; only the worker, as service_role, writes progress',
    },
    // Item 5: trigger functions stay off the API.
    ...(['anon', 'user A'] as const).flatMap((actor) =>
      [names.signUpFunction, names.emailChangeFunction, names.updatedAtFunction].map((fn): RlsCase => ({
        name: `${actor} cannot call public.${fn}()`,
        actor,
        expected: DENIED,
        statement: () => ({ sql: `select public.${fn}()`, params: [] }),
        violation: `trigger function public.${fn}() is callable over the API (/rest/v1/rpc): revoke execute on it from public, anon, authenticated and service_role`,
      })),
    ),
    // Item 4: sign-ups without an email, and email changes.
    {
      name: 'phone sign-up creates a profile without email',
      actor: 'auth service',
      expected: 'profile email null',
      statement: () => ({
        sql: `insert into auth.users (id, aud, role, phone, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
              values ($1, 'authenticated', 'authenticated', '15550109999', '{"provider": "phone"}', '{}', now(), now())
              returning id as owner`,
        params: [NEW_USER],
      }),
      check: profileOf(() => NEW_USER),
    },
    {
      name: 'anonymous sign-in creates a profile without email',
      actor: 'auth service',
      expected: 'profile email null',
      statement: () => ({
        sql: `insert into auth.users (id, aud, role, is_anonymous, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
              values ($1, 'authenticated', 'authenticated', true, '{}', '{}', now(), now()) returning id as owner`,
        params: [NEW_USER],
      }),
      check: profileOf(() => NEW_USER),
    },
    {
      name: 'email sign-up copies email and name to the profile',
      actor: 'auth service',
      expected: 'new-user@example.test New Name',
      statement: () => ({
        sql: `insert into auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
              values ($1, 'authenticated', 'authenticated', 'new-user@example.test', '{}', '{"full_name": "New Name"}', now(), now())
              returning id as owner`,
        params: [NEW_USER],
      }),
      check: () => ({ sql: `select email || ' ' || name as result from public.users where id = $1`, params: [NEW_USER] }),
    },
    {
      // auth.users keeps emails unique only among non-SSO users.
      name: "an SSO sign-up with user A's email creates a profile",
      actor: 'auth service',
      expected: 'profile email shared',
      statement: (f) => ({
        sql: `insert into auth.users (id, aud, role, email, is_sso_user, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
              values ($1, 'authenticated', 'authenticated', $2, true, '{"provider": "sso:acme"}', '{}', now(), now())
              returning id as owner`,
        params: [NEW_USER, f.a.email],
      }),
      check: (f) => ({
        sql: `select case when email = $2 then 'profile email shared' else coalesce(email, 'null') end as result from public.users where id = $1`,
        params: [NEW_USER, f.a.email],
      }),
    },
    {
      name: 'an email change in auth.users reaches the profile',
      actor: 'auth service',
      expected: 'profile email changed@example.test',
      statement: (f) => ({
        sql: `update auth.users set email = 'changed@example.test' where id = $1 returning id as owner`,
        params: [f.a.id],
      }),
      check: profileOf((f) => f.a.id),
    },
    {
      name: 'an anonymous user adding an email reaches the profile',
      actor: 'auth service',
      expected: 'profile email converted@example.test',
      setup: () => ({
        sql: `insert into auth.users (id, aud, role, is_anonymous, created_at, updated_at)
              values ($1, 'authenticated', 'authenticated', true, now(), now())`,
        params: [NEW_USER],
      }),
      statement: () => ({
        sql: `update auth.users set email = 'converted@example.test', is_anonymous = false where id = $1 returning id as owner`,
        params: [NEW_USER],
      }),
      check: profileOf(() => NEW_USER),
    },
    // Deleting an auth user removes everything of theirs and nothing else.
    {
      name: "deleting user A from auth.users cascades to all of A's rows",
      actor: 'auth service',
      expected: 'A 0, B 5',
      statement: (f) => ({ sql: `delete from auth.users where id = $1 returning id as owner`, params: [f.a.id] }),
      check: (f) => ({
        sql: `with owned(owner) as (
                select id from public.users union all select user_id from public.subscriptions
                union all select user_id from public.jobs union all select user_id from public.assets
                union all select user_id from public.subscription_audit)
              select 'A ' || count(*) filter (where owner = $1) || ', B ' || count(*) filter (where owner = $2) as result from owned`,
        params: [f.a.id, f.b.id],
      }),
    },
    {
      name: 'deleting a subscription keeps its audit rows',
      actor: 'service_role',
      expected: 'audit rows 1, linked 0',
      statement: (f) => ({
        sql: `delete from public.subscriptions where id = $1 returning user_id as owner`,
        params: [f.a.rows.subscriptions],
      }),
      check: (f) => ({
        sql: `select 'audit rows ' || count(*) || ', linked ' || count(subscription_id) as result
                from public.subscription_audit where id = $1`,
        params: [f.a.rows.subscription_audit],
      }),
    },
  ];
}
