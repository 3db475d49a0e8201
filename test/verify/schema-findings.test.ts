import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_DIR_ENV, PACKAGED_IMAGE_ENV } from '../../src/db/engine-cache.js';
import { Cleanups } from '../../src/verify/cleanup.js';
import { phase04 } from '../../src/verify/phase-04/index.js';
import type { CheckResult, VerifyReport } from '../../src/verify/types.js';
import { verifyPhase } from '../../src/verify/verify.js';
import { copyRepo, generatedRepo, removeTempDirs, testCacheDir, writeRepoFile } from './helpers/repo.js';

/**
 * The schema check, run in-process on the embedded engine in both grant modes: it passes a
 * freshly generated repo, and a later migration that breaks the schema fails it with the one
 * finding that names the break.
 */
let good: string;
const savedEnv = { cache: process.env[CACHE_DIR_ENV], image: process.env[PACKAGED_IMAGE_ENV] };

beforeAll(async () => {
  // The engine boots from the test cache, not from dist/engine-image: these tests run src/, not the build.
  process.env[PACKAGED_IMAGE_ENV] = 'off';
  process.env[CACHE_DIR_ENV] = testCacheDir;
  good = await generatedRepo();
});

afterAll(async () => {
  restoreEnv(CACHE_DIR_ENV, savedEnv.cache);
  restoreEnv(PACKAGED_IMAGE_ENV, savedEnv.image);
  await removeTempDirs();
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

const ONLY_SCHEMA = ['files', 'rls', 'advisors', 'seed', 'pgtap', 'typescript', 'python'];

function resultOf(report: VerifyReport, name: string): CheckResult {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name}`);
  return found;
}

/** A copy of the generated repo with `sql` as a later migration (none when null), and its schema check. */
async function schemaCheckWith(label: string, sql: string | null): Promise<CheckResult> {
  const repo = await copyRepo(good, label);
  if (sql !== null) await writeRepoFile(repo, `supabase/migrations/00003_${label}.sql`, `${sql}\n`);
  const report = await verifyPhase(
    phase04,
    { root: repo, dbUrl: null, grants: ['legacy', 'current'], skip: ONLY_SCHEMA, strict: false, advisors: 'warn', python: null },
    new Cleanups(),
  );
  // Otherwise the schema check would be skipped, and the break would not be what is tested.
  expect(resultOf(report, 'migrations')).toMatchObject({ status: 'pass', findings: [] });
  return resultOf(report, 'schema');
}

describe('the schema check', () => {
  it('passes the generated schema in both grant modes', async () => {
    const schema = await schemaCheckWith('unbroken', null);
    expect([schema.status, schema.reason]).toEqual(['pass', null]);
    expect(schema.findings).toEqual([]);
    expect(schema.warnings).toEqual([]);
  });

  it.each([
    {
      break: 'assets.file_size changed to integer',
      label: 'file_size_integer',
      sql: 'alter table public.assets alter column file_size type integer;',
      finding: 'public.assets.file_size is integer, expected bigint',
    },
    {
      break: 'assets.metadata dropped',
      label: 'drop_metadata',
      sql: 'alter table public.assets drop column metadata;',
      finding: 'public.assets has no column metadata',
    },
    {
      break: 'the subscription_audit table dropped',
      label: 'drop_audit',
      sql: 'drop table public.subscription_audit;',
      finding: 'table public.subscription_audit does not exist',
    },
    {
      break: 'the updated_at trigger of jobs dropped',
      label: 'drop_jobs_updated_at',
      sql: 'drop trigger jobs_updated_at on public.jobs;',
      finding: 'public.jobs has no BEFORE UPDATE trigger setting updated_at',
    },
    {
      break: 'the updated_at trigger of subscriptions disabled',
      label: 'disable_subscriptions_updated_at',
      sql: 'alter table public.subscriptions disable trigger subscriptions_updated_at;',
      finding: 'public.subscriptions has no BEFORE UPDATE trigger setting updated_at',
    },
    {
      break: 'the sign-up trigger on auth.users dropped',
      label: 'drop_signup',
      sql: 'drop trigger on_auth_user_created on auth.users;',
      finding: 'auth.users has no AFTER INSERT trigger creating the public.users profile (sign-ups get no profile)',
    },
    {
      // public.users_log starts with "users": it must not pass for the profile table.
      break: 'the sign-up trigger replaced by one inserting into public.users_log',
      label: 'signup_logs_only',
      sql: `drop trigger on_auth_user_created on auth.users;
create table public.users_log (id uuid primary key);
alter table public.users_log enable row level security;
create function public.log_sign_up() returns trigger language plpgsql security definer set search_path = '' as $$
begin
    insert into public.users_log (id) values (new.id);
    return new;
end;
$$;
create trigger on_auth_user_logged after insert on auth.users for each row execute function public.log_sign_up();`,
      finding: 'auth.users has no AFTER INSERT trigger creating the public.users profile (sign-ups get no profile)',
    },
  ])('fails when a later migration leaves $break', async ({ label, sql, finding }) => {
    const schema = await schemaCheckWith(label, sql);
    expect([schema.status, schema.reason]).toEqual(['fail', '1 schema problem']);
    expect(schema.findings).toEqual([{ message: finding }]);
  });
});
