import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_URL } from '../helpers/db-postgres.js';
import {
  check,
  copyRepo,
  editRepoFile,
  failingChecks,
  generatedRepo,
  removeTempDirs,
  runVerifyJson,
  writeRepoFile,
  type CheckJson,
} from './helpers/repo.js';

/**
 * Mutants of a freshly generated repo: each one is a mistake a developer makes on Supabase, and
 * each must fail `verify-phase 04` in the check that owns it, with a message that says what is
 * wrong and why it matters on a project. Every mutant runs on the embedded engine and with
 * `--db-url` on the local PostgreSQL 15, both grant modes each: a finding without a
 * `[… grants]` tag was found in both.
 *
 * On the server the repo's SQL and the RLS matrix run as the run's own non-superuser role, which
 * may not become supabase_auth_admin (that would let a migration act as the auth service): its
 * sign-ups are made as itself, so there the RLS matrix cannot tell a security invoker sign-up
 * trigger from a definer one, and the schema check alone fails that mutant.
 */
let good: string;

beforeAll(async () => {
  good = await generatedRepo();
});

afterAll(removeTempDirs);

const ENGINES = [
  { engine: 'embedded', kind: 'embedded', args: [] as string[] },
  { engine: 'PostgreSQL 15 (--db-url)', kind: 'postgres', args: ['--db-url', ADMIN_URL] },
];

const SKIP = ['--skip', 'typescript,python,pgtap'];

const SIGN_UP_FUNCTION =
  /(create or replace function public\.handle_new_user\(\)\nreturns trigger\nlanguage plpgsql\n)security definer\nset search_path = ''\n/;

const messages = (c: CheckJson): string[] => c.findings.map((f) => f.message);

/** The rls check's one finding when users A and B cannot be signed up: nothing else could be checked. */
const fixtureFailure = (detail: RegExp) =>
  new RegExp(`^users A and B could not be signed up with one row per table, so no access rule was checked: ${detail.source}`);

describe.each(ENGINES)('mutants of the generated repo fail verify on $engine', ({ kind, args }) => {
  async function verifyMutant(label: string, mutate: (repo: string) => Promise<void>) {
    const repo = await copyRepo(good, label);
    await mutate(repo);
    const run = await runVerifyJson(['04', repo, ...SKIP, ...args]);
    expect(run.report.engine).toBe(kind);
    expect(run.report.grants).toEqual(['legacy', 'current']);
    expect(check(run.report, 'migrations').status).toBe('pass');
    expect(run.exitCode).toBe(1);
    return run.report;
  }

  it('the sign-up trigger function made security invoker: schema and rls, saying sign-ups fail as supabase_auth_admin', async () => {
    const report = await verifyMutant('signup-invoker', (repo) =>
      editRepoFile(repo, 'supabase/migrations/00001_initial_schema.sql', SIGN_UP_FUNCTION, "$1security invoker\nset search_path = ''\n"),
    );
    expect(failingChecks(report)).toEqual(kind === 'embedded' ? ['schema', 'rls'] : ['schema']);
    expect(messages(check(report, 'schema'))).toEqual([
      "public.handle_new_user(), the sign-up trigger function on auth.users, is not security definer: every sign-up fails on Supabase, where the auth service inserts into auth.users as supabase_auth_admin, which has no rights on public; declare it security definer with set search_path = ''",
    ]);
    if (kind !== 'embedded') return;
    const rls = messages(check(report, 'rls'));
    expect(rls).toHaveLength(1);
    expect(rls[0]).toMatch(
      fixtureFailure(
        /sign-up by the auth service \(as supabase_auth_admin\) failed: permission denied for table users — .*security definer/,
      ),
    );
  });

  it('a security definer function without set search_path: schema and advisors (function_search_path_mutable), naming the function', async () => {
    const report = await verifyMutant('definer-no-search-path', (repo) =>
      editRepoFile(repo, 'supabase/migrations/00001_initial_schema.sql', SIGN_UP_FUNCTION, '$1security definer\n'),
    );
    expect(failingChecks(report)).toEqual(['schema', 'advisors']);
    expect(messages(check(report, 'schema'))).toEqual([
      "public.handle_new_user(), the sign-up trigger function on auth.users, is security definer without set search_path: it runs with its owner's rights but resolves names through the caller's search_path, which the caller controls; add set search_path = '' and qualify every name",
    ]);
    // The advisors' wording is theirs: the lint, its level and the function are what this mutant is about.
    expect(messages(check(report, 'advisors'))).toEqual([
      expect.stringMatching(/^function_search_path_mutable \(warn\) on public\.handle_new_user\(\)/),
    ]);
  });

  it("an unqualified name in a definer sign-up function with search_path = '': rls and seed, saying to qualify names", async () => {
    const report = await verifyMutant('signup-unqualified', (repo) =>
      editRepoFile(
        repo,
        'supabase/migrations/00001_initial_schema.sql',
        'insert into public.users (id, email, name, avatar_url)',
        'insert into users (id, email, name, avatar_url)',
      ),
    );
    expect(failingChecks(report)).toEqual(['rls', 'seed']);
    const rls = messages(check(report, 'rls'));
    expect(rls).toHaveLength(1);
    expect(rls[0]).toMatch(
      fixtureFailure(
        /sign-up by the auth service \(as supabase_auth_admin\) failed: relation "users" does not exist — .*qualify every name/,
      ),
    );
    expect(messages(check(report, 'seed'))).toEqual([expect.stringMatching(/^ERROR: relation "users" does not exist \(SQLSTATE 42P01\)/)]);
  });

  it('a policy reading user_metadata: advisors (rls_references_user_metadata, error)', async () => {
    const report = await verifyMutant('user-metadata-policy', (repo) =>
      writeRepoFile(
        repo,
        'supabase/migrations/00003_banned_users.sql',
        `drop policy "Users can read own jobs" on public.jobs;
create policy "Users can read own jobs"
    on public.jobs for select
    to authenticated
    using ((select auth.uid()) = user_id and ((select auth.jwt()) -> 'user_metadata' ->> 'banned') is distinct from 'true');
`,
      ),
    );
    expect(failingChecks(report)).toEqual(['advisors']);
    expect(messages(check(report, 'advisors'))).toEqual([
      expect.stringMatching(/^rls_references_user_metadata \(error\) on public\.jobs policy "Users can read own jobs": .*user_metadata/),
    ]);
  });

  it('update on public.users granted to authenticated by a later migration: rls, naming the privilege escalation', async () => {
    const report = await verifyMutant('tier-escalation', (repo) =>
      writeRepoFile(repo, 'supabase/migrations/00003_profile_edits.sql', 'grant update on public.users to authenticated;\n'),
    );
    expect(failingChecks(report)).toEqual(['rls']);
    const escalation = (column: string) =>
      `user A cannot set own ${column}: expected error 42501, got rows: A — privilege escalation: a signed-in user can change their own ${column} through the Data API; grant update on public.users to authenticated on (name, avatar_url) only`;
    expect(messages(check(report, 'rls'))).toEqual(
      ['subscription_tier', 'subscription_status', 'monthly_usage', 'usage_reset_at', 'email', 'id'].map(escalation),
    );
  });

  it('RLS disabled on one table by a later migration: schema and advisors, naming the table', async () => {
    const report = await verifyMutant('rls-disabled', (repo) =>
      writeRepoFile(repo, 'supabase/migrations/00003_speed_up_jobs.sql', 'alter table public.jobs disable row level security;\n'),
    );
    expect(messages(check(report, 'schema'))).toEqual([
      'row level security is disabled on public.jobs: every API role can read and write all of its rows',
    ]);
    expect(failingChecks(report)).toEqual(['schema', 'rls', 'advisors']);
    expect(messages(check(report, 'advisors'))).toContainEqual(expect.stringMatching(/^rls_disabled_in_public \(error\) on public\.jobs/));
    expect(messages(check(report, 'rls'))).toContain('user A select jobs: expected rows: A, got rows: A,B');
  });

  it("the phase's covering index dropped by a later migration: schema, naming the index's columns", async () => {
    const report = await verifyMutant('covering-index-dropped', (repo) =>
      writeRepoFile(repo, 'supabase/migrations/00003_fewer_indexes.sql', 'drop index public.idx_subscription_audit_subscription;\n'),
    );
    // Supabase's unindexed_foreign_keys is at level info: the advisors check may or may not fail; the schema check must.
    expect(failingChecks(report)).toContain('schema');
    expect(failingChecks(report).every((name) => ['schema', 'advisors'].includes(name))).toBe(true);
    expect(messages(check(report, 'schema'))).toEqual([
      'public.subscription_audit has no index on (subscription_id): it covers the foreign key to public.subscriptions, without it deleting a subscription (on delete set null) scans the whole table; create index on public.subscription_audit (subscription_id)',
    ]);
  });
});

describe('the checks name what the mutant broke, and nothing that still works', () => {
  it('the email-sync trigger function made security invoker: schema names its trigger, rls the email change that fails', async () => {
    const repo = await copyRepo(good, 'email-sync-invoker');
    await writeRepoFile(
      repo,
      'supabase/migrations/00003_invoker_email_sync.sql',
      'alter function public.handle_user_email_change() security invoker;\n',
    );
    const { exitCode, report } = await runVerifyJson(['04', repo, ...SKIP]);
    expect(exitCode).toBe(1);
    expect(failingChecks(report)).toEqual(['schema', 'rls']);
    expect(messages(check(report, 'schema'))).toEqual([
      "public.handle_user_email_change(), the function of trigger on_auth_user_email_changed on auth.users, is not security definer: every change to a user that fires it fails on Supabase, where the auth service updates auth.users as supabase_auth_admin, which has no rights on public; declare it security definer with set search_path = ''",
    ]);
    const rls = messages(check(report, 'rls'));
    expect(rls).toHaveLength(2);
    expect(rls).toEqual(
      ['an email change in auth.users reaches the profile', 'an anonymous user adding an email reaches the profile'].map((name) =>
        expect.stringMatching(
          new RegExp(
            `^${name}: expected profile email \\S+, got error 42501 \\(email change by the auth service \\(as supabase_auth_admin\\) failed: permission denied for table users — .*security definer`,
          ),
        ),
      ),
    );
  });

  it('a covering index replaced by a wider one that leads with the same column passes the schema check', async () => {
    const repo = await copyRepo(good, 'covering-index-widened');
    await writeRepoFile(
      repo,
      'supabase/migrations/00003_audit_by_subscription.sql',
      `drop index public.idx_subscription_audit_subscription;
create index idx_subscription_audit_subscription_created on public.subscription_audit (subscription_id, created_at desc);
`,
    );
    const { report } = await runVerifyJson(['04', repo, ...SKIP]);
    expect(check(report, 'schema')).toMatchObject({ status: 'pass', findings: [] });
    expect(check(report, 'advisors').status).toBe('pass');
  });
});
