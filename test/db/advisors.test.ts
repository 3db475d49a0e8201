import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADVISOR_CHECKS, ADVISOR_LINTS, runAdvisors, type AdvisorCheck, type AdvisorFinding } from '../../src/db/advisors.js';
import { applyMigrations, applySqlFile } from '../../src/db/apply-migrations.js';
import { inRolledBackTransaction } from '../../src/db/standin.js';
import { insideOuterTransaction } from '../../src/db/transaction.js';
import { ENGINE_KINDS, type TestDatabase } from '../helpers/db-postgres.js';
import { renderSchema } from '../helpers/db-schema.js';
import { ENGINE_GRANT_CASES, openStandInDatabase } from '../helpers/db-standin.js';
import { countingCalls } from '../helpers/engine-calls.js';

/** A table that passes every check, to build bad cases on. */
const CLEAN_TABLE = `
  create table public.notes (id uuid primary key, user_id uuid not null, body text);
  alter table public.notes enable row level security;
  revoke all on public.notes from anon, authenticated, service_role;
`;

interface BadSchema {
  readonly check: AdvisorCheck;
  readonly sql: string;
  /** Objects the check must name. */
  readonly objects: readonly string[];
  /** Objects it must not name (the good twin in the same schema). */
  readonly notObjects?: readonly string[];
}

const BAD_SCHEMAS: readonly BadSchema[] = [
  {
    check: 'auth_rls_initplan',
    sql: `${CLEAN_TABLE}
      create policy bare on public.notes for select to authenticated using (user_id = auth.uid());
      create policy correlated on public.notes for update to authenticated
        using (exists (select 1 from public.notes n where n.id = notes.id and n.user_id = auth.uid()));
      create policy per_row_setting on public.notes for delete to authenticated
        using (user_id::text = current_setting('request.jwt.claim.sub', true));
      create policy wrapped on public.notes for insert to authenticated
        with check (user_id = (select auth.uid()) and ((select auth.jwt()) ->> 'aal') = 'aal2');`,
    objects: ['public.notes policy "bare"', 'public.notes policy "correlated"', 'public.notes policy "per_row_setting"'],
    notObjects: ['public.notes policy "wrapped"'],
  },
  {
    check: 'multiple_permissive_policies',
    sql: `${CLEAN_TABLE}
      create policy own on public.notes for select to authenticated using (user_id = (select auth.uid()));
      create policy everything on public.notes for all to authenticated using (true);
      create policy restrictive_ok on public.notes as restrictive for select to authenticated using (true);
      create policy service_ok on public.notes for select to service_role using (true);
      create policy service_too on public.notes for select to service_role using (true);`,
    objects: ['public.notes'],
  },
  {
    check: 'function_search_path_mutable',
    sql: `create function public.mutable(x int) returns int language sql as $$ select x $$;
          create function public.pinned() returns int language sql set search_path = '' as $$ select 1 $$;`,
    objects: ['public.mutable(x integer)'],
    notObjects: ['public.pinned()'],
  },
  {
    check: 'anon_security_definer_function_executable',
    sql: `create function public.definer() returns int language sql security definer set search_path = '' as $$ select 1 $$;
          create function public.locked() returns int language sql security definer set search_path = '' as $$ select 1 $$;
          revoke execute on function public.locked() from public, anon, authenticated;`,
    objects: ['public.definer()'],
    notObjects: ['public.locked()'],
  },
  {
    check: 'authenticated_security_definer_function_executable',
    sql: `create function public.for_users() returns int language sql security definer set search_path = '' as $$ select 1 $$;
          revoke execute on function public.for_users() from public, anon;
          grant execute on function public.for_users() to authenticated;`,
    objects: ['public.for_users()'],
  },
  {
    check: 'unindexed_foreign_keys',
    sql: `${CLEAN_TABLE}
      create table public.comments (id uuid primary key, note_id uuid references public.notes (id),
        author uuid references public.notes (id), pair_a uuid, pair_b uuid);
      alter table public.comments enable row level security;
      create index comments_author_body on public.comments (author, id);`,
    objects: ['public.comments foreign key comments_note_id_fkey'],
    notObjects: ['public.comments foreign key comments_author_fkey'],
  },
  {
    check: 'duplicate_index',
    sql: `${CLEAN_TABLE}
      create unique index notes_id_again on public.notes (id);
      create index notes_user on public.notes (user_id);
      create index notes_user_desc on public.notes (user_id desc);`,
    objects: ['public.notes indexes notes_id_again, notes_pkey'],
    notObjects: ['public.notes indexes notes_user, notes_user_desc'],
  },
  {
    check: 'rls_disabled_in_public',
    sql: `create table public.open_table (id int primary key); create table public.closed (id int primary key);
          alter table public.closed enable row level security;
          grant select on public.open_table, public.closed to anon;
          create table public.unreachable (id int primary key);
          revoke all on public.unreachable from anon, authenticated;`,
    objects: ['public.open_table'],
    notObjects: ['public.closed', 'public.unreachable'],
  },
  {
    check: 'policy_exists_rls_disabled',
    sql: `create table public.forgotten (id int primary key, user_id uuid);
          create policy own on public.forgotten for select to authenticated using (user_id = (select auth.uid()));`,
    objects: ['public.forgotten'],
  },
  {
    check: 'rls_references_user_metadata',
    sql: `${CLEAN_TABLE}
      create policy admins on public.notes for delete to authenticated
        using (((select auth.jwt()) -> 'user_metadata' ->> 'role') = 'admin');`,
    objects: ['public.notes policy "admins"'],
  },
  {
    check: 'auth_users_exposed',
    sql: `create view public.profiles_of_everyone as select id, email from auth.users;
          grant select on public.profiles_of_everyone to anon;`,
    objects: ['public.profiles_of_everyone'],
  },
  {
    check: 'security_definer_view',
    sql: `${CLEAN_TABLE}
      create view public.definer_view as select id from public.notes;
      create view public.invoker_view with (security_invoker = on) as select id from public.notes;
      create view public.unselectable_view as select id from public.notes;
      grant select on public.definer_view, public.invoker_view to anon;
      revoke all on public.unselectable_view from anon, authenticated;`,
    objects: ['public.definer_view'],
    notObjects: ['public.invoker_view', 'public.unselectable_view'],
  },
  {
    check: 'no_primary_key',
    sql: `create table public.keyless (value text); alter table public.keyless enable row level security;`,
    objects: ['public.keyless'],
  },
  {
    check: 'rls_enabled_no_policy',
    sql: `${CLEAN_TABLE}`,
    objects: ['public.notes'],
  },
  {
    check: 'unused_index',
    sql: `${CLEAN_TABLE} create index notes_user on public.notes (user_id);`,
    objects: ['public.notes index notes_user'],
    notObjects: ['public.notes index notes_pkey'],
  },
  {
    check: 'unsupported_reg_types',
    sql: `create table public.hooks (id int primary key, handler regproc, target regclass);`,
    objects: ['public.hooks column handler'],
    notObjects: ['public.hooks column target'],
  },
  {
    check: 'rls_policy_always_true',
    sql: `${CLEAN_TABLE}
      create policy anyone_edits on public.notes for update to authenticated using (true);
      create policy anyone_reads on public.notes for select to anon using (true);`,
    objects: ['public.notes policy "anyone_edits"'],
    notObjects: ['public.notes policy "anyone_reads"'],
  },
  {
    check: 'materialized_view_in_api',
    sql: `${CLEAN_TABLE}
      create materialized view public.note_counts as select user_id, count(*) from public.notes group by user_id;
      grant select on public.note_counts to authenticated;`,
    objects: ['public.note_counts'],
  },
  {
    check: 'sensitive_columns_exposed',
    sql: `create table public.accounts (id int primary key, password text); grant select on public.accounts to anon;`,
    objects: ['public.accounts'],
  },
  {
    check: 'public_bucket_allows_listing',
    // storage.buckets and storage.objects (RLS on) come with the emulated project.
    sql: `insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true), ('private', 'private', false);
      create policy list_avatars on storage.objects for select using (bucket_id = 'avatars');
      create policy list_private on storage.objects for select using (bucket_id = 'private');`,
    objects: ['bucket avatars'],
    notObjects: ['bucket private'],
  },
];

/**
 * Lints whose bad schema needs what the stand-in has not (a foreign data wrapper, extensions
 * at old versions or in public, pgmq, a unique constraint on auth.users, a million-row churn,
 * pg_graphql): their instances are in ./advisors-corpus, compared with the Supabase CLI.
 */
const CORPUS_ONLY: readonly AdvisorCheck[] = [
  'foreign_table_in_api',
  'extension_in_public',
  'extension_versions_outdated',
  'insecure_queue_exposed_in_api',
  'fkey_to_auth_unique',
  'table_bloat',
  'pg_graphql_anon_table_exposed',
  'pg_graphql_authenticated_table_exposed',
];

const objectsOf = (findings: readonly AdvisorFinding[], check: AdvisorCheck) =>
  findings.filter((f) => f.check === check).map((f) => f.object);

it('has a bad schema for every check', () => {
  expect(new Set([...BAD_SCHEMAS.map((b) => b.check), ...CORPUS_ONLY])).toEqual(new Set(ADVISOR_CHECKS));
});

describe.each(ENGINE_KINDS)('advisors on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openStandInDatabase(kind, 'current');
  });
  afterAll(() => db.dispose());

  it('find nothing in an empty project', async () => {
    expect(await runAdvisors(db.engine)).toEqual([]);
  });

  it.each(BAD_SCHEMAS)('$check fires on a schema that has the problem', async (bad) => {
    // Applied as a repo's migration: policies on storage.objects go through the emulated supautils.
    const findings = await inRolledBackTransaction(db.engine, async () => {
      await applySqlFile(insideOuterTransaction(db.engine), { name: 'supabase/migrations/20260101000000_bad.sql', sql: bad.sql });
      return runAdvisors(db.engine);
    });
    const named = objectsOf(findings, bad.check);
    expect(named).toEqual(expect.arrayContaining([...bad.objects]));
    for (const object of bad.notObjects ?? []) expect(named).not.toContain(object);
    // Supabase's detail line names the table, view, function, extension or bucket.
    for (const finding of findings.filter((f) => f.check === bad.check)) {
      expect(finding.message).toContain(finding.name);
    }
  });

  it('leave the session search_path as it was', async () => {
    const before = await db.engine.query(`select current_setting('search_path') as p`);
    await runAdvisors(db.engine);
    expect(await db.engine.query(`select current_setting('search_path') as p`)).toEqual(before);
  });

  it('ask the engine twice: what the lints depend on, then every lint in one batch', async () => {
    const calls: string[] = [];
    const counted = countingCalls(db.engine, calls);
    await runAdvisors(counted);
    expect(calls).toEqual(['query', 'runSteps']);
  });

  it('leave out a lint whose table the database does not have', async () => {
    const findings = await inRolledBackTransaction(db.engine, async () => {
      await applySqlFile(insideOuterTransaction(db.engine), {
        name: 'supabase/migrations/20260101000000_avatars.sql',
        sql: `insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);
          create policy list_avatars on storage.objects for select using (bucket_id = 'avatars');`,
      });
      const withBuckets = await runAdvisors(db.engine);
      // Only its owner (or a superuser: the embedded engine's login) may rename the table.
      const owner = db.engine.kind === 'embedded' ? 'supabase_admin' : 'default';
      await db.engine.exec(`set local session authorization ${owner}; alter table storage.buckets rename to buckets_elsewhere`);
      return { withBuckets, without: await runAdvisors(db.engine) };
    });
    expect(objectsOf(findings.withBuckets, 'public_bucket_allows_listing')).toEqual(['bucket avatars']);
    expect(objectsOf(findings.without, 'public_bucket_allows_listing')).toEqual([]);
  });

  it('throw the failure of a lint, with the session search_path as it was', async () => {
    const before = await db.engine.query(`select current_setting('search_path') as p`);
    // The fifth lint's query fails, as a catalog the lint cannot read would make it.
    const failing = Object.assign(Object.create(db.engine) as typeof db.engine, {
      runSteps: (steps: Parameters<typeof db.engine.runSteps>[0]) =>
        db.engine.runSteps(steps.map((step, i) => (i === 5 && steps.length > 1 ? { kind: 'query' as const, sql: 'select 1 / 0' } : step))),
    });
    await expect(runAdvisors(failing)).rejects.toThrow('division by zero');
    expect(await db.engine.query(`select current_setting('search_path') as p`)).toEqual(before);
  });
});

describe.each(ENGINE_GRANT_CASES)('advisors on the generated schema ($kind, $grants grant defaults)', ({ kind, grants }) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openStandInDatabase(kind, grants);
    const schema = await renderSchema();
    await applyMigrations(db.engine, [...schema.migrations, schema.seed]);
  });
  afterAll(() => db.dispose());

  it('find nothing but the indexes no workload has used yet', async () => {
    const findings = await runAdvisors(db.engine);
    expect(findings.filter((f) => f.check !== 'unused_index')).toEqual([]);
    expect(findings.every((f) => f.level === 'INFO')).toBe(true);
  });

  it('leave out the lints that need a served workload when asked, and run the rest', async () => {
    const steps: number[] = [];
    const counted = Object.assign(Object.create(db.engine) as typeof db.engine, {
      runSteps: (batch: Parameters<typeof db.engine.runSteps>[0]) => {
        steps.push(batch.length);
        return db.engine.runSteps(batch);
      },
    });
    const all = await runAdvisors(counted);
    const withoutWorkload = await runAdvisors(counted, { withoutWorkloadLints: true });
    expect(all.filter((f) => f.check === 'unused_index').length).toBeGreaterThan(0);
    expect(withoutWorkload).toEqual([]);
    const workloadLints = Object.values(ADVISOR_LINTS).filter((lint) => 'needsWorkload' in lint).length;
    expect(workloadLints).toBe(2); // unused_index, table_bloat
    expect(steps[0]! - steps[1]!).toBe(workloadLints);
  });
});
