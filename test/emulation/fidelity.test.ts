import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlEngine, SqlStep } from '../../src/db/engine.js';
import { toSqlError } from '../../src/db/sql-error.js';
import { asRole, inRolledBackTransaction } from '../../src/db/standin.js';
import { changeEmail, deleteUser, signUp } from '../../src/emulation/auth-service.js';
import type { TestDatabase } from '../helpers/db-postgres.js';
import { openStandInDatabase } from '../helpers/db-standin.js';
import { applySqlFile, isMigrationError } from '../../src/db/apply-migrations.js';
import { openPreparedEngine } from '../../src/db/engine-cache.js';
import { insideOuterTransaction } from '../../src/db/transaction.js';
import { countingCalls } from '../helpers/engine-calls.js';
import { renderSchema } from '../helpers/db-schema.js';
import { mayBeGrantedTable } from '../../src/emulation/supautils.js';

/**
 * What a new Supabase project allows and refuses, each probe a small migration with the outcome
 * it has there. The embedded engine runs user SQL as a postgres that is not a superuser, as a
 * project does; on the local server (whose postgres is a superuser) only the probes that do not
 * depend on the migration role's rights run.
 */
type Outcome = 'applies' | { readonly code: string; readonly message: RegExp };

interface Probe {
  readonly name: string;
  readonly sql: string;
  readonly outcome: Outcome;
  /** A statement that cannot run in a transaction block (the CLI runs it alone). */
  readonly outsideTransaction?: boolean;
}

const refused = (code: string, message: RegExp): Outcome => ({ code, message });
const DENIED = '42501';

/** Migrations as postgres: the platform's privilege model. */
const PRIVILEGE_PROBES: readonly Probe[] = [
  {
    name: 'postgres is not a superuser, but may create roles and databases and bypasses RLS',
    sql: `do $$ begin
            if (select rolsuper or not rolcreaterole or not rolcreatedb or not rolbypassrls or not rolreplication
                  from pg_roles where rolname = current_user) or current_user <> 'postgres' then
              raise exception 'postgres has the wrong attributes';
            end if;
          end $$`,
    outcome: 'applies',
  },
  {
    name: 'create function auth.x() is refused',
    sql: `create function auth.x() returns int language sql as 'select 1'`,
    outcome: refused(DENIED, /permission denied for schema auth/),
  },
  {
    name: 'create table in auth is refused',
    sql: `create table auth.notes (id int)`,
    outcome: refused(DENIED, /permission denied for schema auth/),
  },
  {
    name: 'alter table auth.users add column is refused',
    sql: `alter table auth.users add column plan text`,
    outcome: refused(DENIED, /must be owner of table users/),
  },
  {
    name: 'create index on auth.users is refused',
    sql: `create index on auth.users (created_at)`,
    outcome: refused(DENIED, /must be owner of table users/),
  },
  {
    name: 'a policy on auth.users is refused to plain postgres (a migration gets it through supautils)',
    sql: `create policy p on auth.users for select using (true)`,
    outcome: refused(DENIED, /must be owner of table users/),
  },
  {
    name: 'disabling RLS on auth.users is refused',
    sql: `alter table auth.users disable row level security`,
    outcome: refused(DENIED, /must be owner of table users/),
  },
  { name: 'drop table auth.users is refused', sql: `drop table auth.users`, outcome: refused(DENIED, /must be owner of table users/) },
  {
    name: 'taking over the auth schema is refused',
    sql: `alter schema auth owner to postgres`,
    outcome: refused(DENIED, /must be owner of schema auth/),
  },
  {
    name: 'create role … superuser is refused',
    sql: `create role intruder superuser`,
    outcome: refused(DENIED, /permission denied to create role/),
  },
  {
    name: 'alter role postgres superuser is refused',
    sql: `alter role postgres superuser`,
    outcome: refused(DENIED, /permission denied to alter role/),
  },
  {
    name: 'alter system is refused',
    sql: `alter system set work_mem = '64MB'`,
    outcome: refused(DENIED, /permission denied to set parameter/),
    outsideTransaction: true,
  },
  {
    name: 'copy … to program is refused',
    sql: `copy (select 1) to program 'true'`,
    outcome: refused(DENIED, /PROGRAM is not allowed on Supabase/),
  },
  {
    name: 'set role supabase_auth_admin is refused',
    sql: `set local role supabase_auth_admin`,
    outcome: refused(DENIED, /permission denied to set role/),
  },
  {
    name: 'granting supabase_admin to postgres is refused',
    sql: `grant supabase_admin to postgres`,
    outcome: refused(DENIED, /permission denied to grant role/),
  },
  {
    name: 'a foreign key to auth.users applies',
    sql: `create table public.profiles (id uuid primary key references auth.users (id) on delete cascade)`,
    outcome: 'applies',
  },
  {
    name: 'a trigger on auth.users applies',
    sql: `create function public.on_signup() returns trigger language plpgsql security definer set search_path = '' as $$ begin return new; end $$;
          create trigger on_signup after insert on auth.users for each row execute function public.on_signup()`,
    outcome: 'applies',
  },
  {
    name: "granting execute on an auth hook to supabase_auth_admin applies (Supabase's docs)",
    sql: `create function public.custom_access_token_hook(event jsonb) returns jsonb language plpgsql stable as $$ begin return event; end $$;
          grant usage on schema public to supabase_auth_admin;
          grant execute on function public.custom_access_token_hook to supabase_auth_admin;
          revoke execute on function public.custom_access_token_hook from authenticated, anon, public`,
    outcome: 'applies',
  },
  { name: 'postgres reads auth.users', sql: `select count(*) from auth.users`, outcome: 'applies' },
  {
    name: 'a view over auth.users applies (postgres holds select with grant option)',
    sql: `create view public.user_emails as select id, email from auth.users`,
    outcome: 'applies',
  },
  { name: 'a schema of its own applies', sql: `create schema app; create table app.t (id int)`, outcome: 'applies' },
  {
    name: 'a role of its own, granted an API role, applies',
    sql: `create role app_reader nologin; grant authenticated to app_reader`,
    outcome: 'applies',
  },
  {
    name: 'create table in graphql_public is refused',
    sql: `create table graphql_public.notes (id int)`,
    outcome: refused(DENIED, /permission denied for schema graphql_public/),
  },
  {
    name: 'replacing the graphql_public.graphql placeholder is refused',
    sql: `create or replace function graphql_public.graphql("operationName" text default null, query text default null,
            variables jsonb default null, extensions jsonb default null) returns jsonb language sql as $$ select '{}'::jsonb $$`,
    outcome: refused(DENIED, /permission denied for schema graphql_public/),
  },
  {
    name: 'granting usage on graphql_public to a role of its own applies (postgres holds it with grant option)',
    sql: `create role gql_reader nologin; grant usage on schema graphql_public to gql_reader`,
    outcome: 'applies',
  },
  {
    name: 'uuid-ossp and pgcrypto resolve unqualified from extensions',
    sql: `select uuid_generate_v4(), gen_salt('bf'), crypt('x', gen_salt('bf'))`,
    outcome: 'applies',
  },
];

/** What the API roles may do with auth. */
const API_PROBES: readonly (Probe & { readonly role: 'anon' | 'authenticated' | 'service_role' })[] = [
  {
    name: 'anon cannot read auth.users',
    role: 'anon',
    sql: `select id from auth.users`,
    outcome: refused(DENIED, /permission denied for table users/),
  },
  {
    name: 'authenticated cannot read auth.users',
    role: 'authenticated',
    sql: `select id from auth.users`,
    outcome: refused(DENIED, /permission denied for table users/),
  },
  {
    name: 'service_role cannot read auth.identities',
    role: 'service_role',
    sql: `select id from auth.identities`,
    outcome: refused(DENIED, /permission denied for table identities/),
  },
  { name: 'anon may call auth.uid()', role: 'anon', sql: `select auth.uid()`, outcome: 'applies' },
];

const PROFILES = `create table public.profiles (id uuid primary key references auth.users (id) on delete cascade, email text);`;

/** A migration, then a sign-up performed by the auth service. */
const SIGN_UP_PROBES: readonly Probe[] = [
  {
    name: 'a definer sign-up trigger with qualified names creates the profile',
    sql: `${PROFILES}
          create function public.handle_new_user() returns trigger language plpgsql security definer set search_path = ''
          as $$ begin insert into public.profiles (id, email) values (new.id, new.email); return new; end $$;
          create trigger on_auth_user_created after insert on auth.users for each row execute function public.handle_new_user();`,
    outcome: 'applies',
  },
  {
    name: 'a sign-up trigger that is not security definer makes sign-up fail',
    sql: `${PROFILES}
          create function public.handle_new_user() returns trigger language plpgsql
          as $$ begin insert into public.profiles (id, email) values (new.id, new.email); return new; end $$;
          create trigger on_auth_user_created after insert on auth.users for each row execute function public.handle_new_user();`,
    outcome: refused(
      DENIED,
      /sign-up by the auth service \(as supabase_auth_admin\) failed: permission denied for table profiles — .*security definer/,
    ),
  },
  {
    name: "an unqualified name in a definer function with search_path = '' makes sign-up fail",
    sql: `${PROFILES}
          create function public.handle_new_user() returns trigger language plpgsql security definer set search_path = ''
          as $$ begin insert into profiles (id, email) values (new.id, new.email); return new; end $$;
          create trigger on_auth_user_created after insert on auth.users for each row execute function public.handle_new_user();`,
    outcome: refused('42P01', /relation "profiles" does not exist — .*qualify every name/),
  },
  {
    name: "an unqualified name in a definer function without search_path resolves in the auth service's (auth) and fails",
    sql: `${PROFILES}
          create function public.handle_new_user() returns trigger language plpgsql security definer
          as $$ begin insert into profiles (id, email) values (new.id, new.email); return new; end $$;
          create trigger on_auth_user_created after insert on auth.users for each row execute function public.handle_new_user();`,
    outcome: refused('42P01', /relation "profiles" does not exist/),
  },
];

async function outcomeOf(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return 'applies';
  } catch (error) {
    const e = toSqlError(error);
    return { code: e.code ?? 'none', message: new RegExp(e.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) };
  }
}

function expectOutcome(actual: Outcome, expected: Outcome): void {
  if (expected === 'applies' || actual === 'applies') {
    expect(actual === 'applies' ? 'applies' : `${actual.code}: ${actual.message.source}`).toBe(
      expected === 'applies' ? 'applies' : `${expected.code}: ${expected.message.source}`,
    );
    return;
  }
  expect(actual.code).toBe(expected.code);
  expect(actual.message.source.replace(/\\/g, '')).toMatch(expected.message);
}

describe.each(['embedded', 'postgres'] as const)('a new Supabase project, emulated on %s', (kind) => {
  let db: TestDatabase;
  let engine: SqlEngine;
  beforeAll(async () => {
    db = await openStandInDatabase(kind, 'legacy');
    engine = db.engine;
  });
  afterAll(() => db.dispose());

  const migration =
    (sql: string, outsideTransaction = false) =>
    () =>
      outsideTransaction ? engine.exec(sql) : inRolledBackTransaction(engine, () => engine.exec(sql));

  describe.runIf(kind === 'embedded')('migrations run as postgres', () => {
    it.each(PRIVILEGE_PROBES)('$name', async ({ sql, outcome, outsideTransaction }) => {
      expectOutcome(await outcomeOf(migration(sql, outsideTransaction)), outcome);
    });
  });

  it.each(API_PROBES)('$name', async ({ role, sql, outcome }) => {
    expectOutcome(await outcomeOf(() => asRole(engine, role, null, sql)), outcome);
  });

  it.each(SIGN_UP_PROBES)('$name', async ({ sql, outcome }) => {
    const result = await outcomeOf(() =>
      inRolledBackTransaction(engine, async () => {
        await engine.exec(sql);
        await signUp(engine, { id: randomUUID(), email: 'new@example.test' });
      }),
    );
    expectOutcome(result, outcome);
  });

  it('an email change and a deletion by the auth service reach the tables that reference auth.users', async () => {
    const id = randomUUID();
    const rows = await inRolledBackTransaction(engine, async () => {
      await engine.exec(`${PROFILES}
        create function public.sync_email() returns trigger language plpgsql security definer set search_path = ''
        as $$ begin insert into public.profiles (id, email) values (new.id, new.email)
                    on conflict (id) do update set email = excluded.email; return new; end $$;
        create trigger on_auth_user_saved after insert or update of email on auth.users for each row execute function public.sync_email();`);
      await signUp(engine, { id, email: 'before@example.test' });
      await changeEmail(engine, id, 'after@example.test');
      const [changed] = await engine.query<{ email: string }>(`select email from public.profiles where id = $1`, [id]);
      await deleteUser(engine, id);
      const [left] = await engine.query<{ n: number }>(`select count(*)::int as n from public.profiles where id = $1`, [id]);
      return { changed: changed?.email, left: left?.n };
    });
    expect(rows).toEqual({ changed: 'after@example.test', left: 0 });
  });

  it('the auth service writes a user and its identity, as supabase_auth_admin with search_path auth, and leaves the session as it was', async () => {
    const id = randomUUID();
    const result = await inRolledBackTransaction(engine, async () => {
      const [before] = await engine.query(`select session_user::text as s, current_user::text as c, current_setting('search_path') as p`);
      await engine.exec(`create table public.seen (who text, path text);
        create function public.record() returns trigger language plpgsql security definer set search_path = ''
        as $$ begin insert into public.seen values (session_user || '/' || current_setting('role'), current_setting('search_path')); return new; end $$;
        create trigger record after insert on auth.users for each row execute function public.record();`);
      await signUp(engine, { id, email: 'who@example.test' });
      const [after] = await engine.query(`select session_user::text as s, current_user::text as c, current_setting('search_path') as p`);
      const [identity] = await engine.query(`select provider, user_id::text from auth.identities where user_id = $1`, [id]);
      const [seen] = await engine.query<{ who: string }>(`select who from public.seen`);
      return { same: JSON.stringify(before) === JSON.stringify(after), identity, role: seen?.who.split('/')[1] };
    });
    expect(result).toEqual({ same: true, identity: { provider: 'email', user_id: id }, role: 'supabase_auth_admin' });
  });

  it('a sign-up is two requests to the engine: the entry, then the switch, the writes and the way back', async () => {
    const calls: string[] = [];
    const counted = countingCalls(engine, calls);
    await inRolledBackTransaction(engine, () => signUp(counted, { id: randomUUID(), email: 'count@example.test' }));
    expect(calls).toEqual(['runSteps', 'runSteps']);
  });

  it('a sign-up the database refuses, outside a transaction, leaves the session as it was', async () => {
    const session = `select session_user::text as s, current_user::text as c, current_setting('search_path') as p`;
    const before = await engine.query(session);
    await applySqlFile(engine, {
      name: 'supabase/migrations/20260101000000_refuse.sql',
      sql: `create function public.refuse_sign_up() returns trigger language plpgsql as $$ begin raise exception 'no sign-ups today'; end $$;
        create trigger refuse_sign_up before insert on auth.users for each row execute function public.refuse_sign_up();`,
    });
    try {
      await expect(signUp(engine, { id: randomUUID(), email: 'refused@example.test' })).rejects.toThrow(
        /^sign-up by the auth service \(as supabase_auth_admin\) failed: no sign-ups today/,
      );
      expect(await engine.query(session)).toEqual(before);
    } finally {
      await applySqlFile(engine, {
        name: 'supabase/migrations/20260101000001_allow.sql',
        sql: `drop trigger refuse_sign_up on auth.users; drop function public.refuse_sign_up();`,
      });
    }
  });

  it('a failure after the entry logged in, outside a transaction, leaves the session as it was', async () => {
    const session = `select session_user::text as s, current_user::text as c, current_setting('search_path') as p`;
    const before = await engine.query(session);
    // The entry's question whether the login may become the service's role fails (a real
    // statement, on the real engine): the login to the engine's own role has happened by then.
    const failingEntry = new Proxy(engine, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (name !== 'runSteps') return typeof value === 'function' ? value.bind(target) : value;
        return (steps: readonly SqlStep[]) =>
          target.runSteps(steps.map((step) => (step.sql.includes('pg_has_role') ? { kind: 'query', sql: 'select 1 / 0' } : step)));
      },
    });
    await expect(signUp(failingEntry, { id: randomUUID(), email: 'entry@example.test' })).rejects.toThrow(/division by zero/);
    expect(await engine.query(session)).toEqual(before);
  });

  it('auth belongs to the auth service: every table owned by supabase_auth_admin, with RLS on the service tables', async () => {
    const rows = await engine.query<{ owner: string; n: number }>(
      `select tableowner as owner, count(*)::int as n from pg_tables where schemaname = 'auth' group by 1`,
    );
    expect(rows).toEqual([{ owner: 'supabase_auth_admin', n: 22 }]);
    const [rls] = await engine.query<{ missing: string[] }>(
      `select coalesce(array_agg(c.relname::text order by c.relname) filter (where not c.relrowsecurity), '{}') as missing
         from pg_class c where c.relnamespace = 'auth'::regnamespace and c.relkind = 'r'
          and c.relname in ('users', 'identities', 'sessions', 'refresh_tokens', 'mfa_factors', 'mfa_challenges',
                            'mfa_amr_claims', 'one_time_tokens', 'flow_state', 'sso_providers', 'sso_domains',
                            'saml_providers', 'saml_relay_states', 'audit_log_entries', 'instances', 'schema_migrations')`,
    );
    expect(rls!.missing).toEqual([]);
  });

  it("has Supabase's roles with their attributes", async () => {
    const roles = await engine.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean; rolinherit: boolean }>(
      `select rolname, rolsuper, rolbypassrls, rolinherit from pg_roles
        where rolname in ('supabase_admin', 'anon', 'authenticated', 'service_role', 'authenticator', 'supabase_auth_admin',
                          'supabase_storage_admin', 'supabase_realtime_admin', 'supabase_replication_admin',
                          'supabase_read_only_user', 'dashboard_user', 'pgbouncer')
        order by rolname`,
    );
    expect(roles.map((r) => r.rolname)).toHaveLength(12);
    expect(roles.find((r) => r.rolname === 'supabase_admin')?.rolsuper).toBe(true);
    expect(roles.find((r) => r.rolname === 'service_role')?.rolbypassrls).toBe(true);
    expect(roles.find((r) => r.rolname === 'authenticator')?.rolinherit).toBe(false);
    expect(roles.find((r) => r.rolname === 'supabase_auth_admin')?.rolinherit).toBe(false);
  });
});

/** What graphql_public.graphql answers on a project where pg_graphql is not enabled (it raises nothing). */
const GRAPHQL_NOT_ENABLED = { errors: [{ message: 'pg_graphql extension is not enabled.' }] };
const GRAPHQL = 'graphql_public.graphql(text, text, jsonb, jsonb)';

describe.each(['embedded', 'postgres'] as const)('graphql_public of a new project (pg_graphql not enabled), emulated on %s', (kind) => {
  let db: TestDatabase;
  let engine: SqlEngine;
  beforeAll(async () => {
    db = await openStandInDatabase(kind, 'current');
    engine = db.engine;
  });
  afterAll(() => db.dispose());

  it('is owned by supabase_admin; postgres (with grant option) and the API roles may use it', async () => {
    const rows = await engine.query(
      `select pg_get_userbyid(n.nspowner)::text as owner,
              (select array_agg(format('%s:%s%s', pg_get_userbyid(a.grantee), a.privilege_type, case when a.is_grantable then '*' else '' end)
                                order by pg_get_userbyid(a.grantee)::text)
                 from aclexplode(n.nspacl) a where a.grantee <> n.nspowner) as granted
         from pg_namespace n where n.nspname = 'graphql_public'`,
    );
    expect(rows).toEqual([
      { owner: 'supabase_admin', granted: ['anon:USAGE', 'authenticated:USAGE', 'postgres:USAGE*', 'service_role:USAGE'] },
    ]);
  });

  it('holds one function, the placeholder, owned by supabase_admin and callable by postgres, the API roles and public', async () => {
    const functions = await engine.query(
      `select p.oid::regprocedure::text as signature, pg_get_userbyid(p.proowner)::text as owner, l.lanname::text as language,
              p.prosecdef as definer, p.provolatile::text as volatility, pg_get_function_result(p.oid) as returns,
              (select array_agg(g.name order by g.name)
                 from aclexplode(p.proacl) a,
                      lateral (select case when a.grantee = 0 then 'public' else pg_get_userbyid(a.grantee)::text end as name) g
                where a.privilege_type = 'EXECUTE' and a.grantee <> p.proowner) as executable_by
         from pg_proc p join pg_language l on l.oid = p.prolang
        where p.pronamespace = 'graphql_public'::regnamespace`,
    );
    expect(functions).toEqual([
      {
        signature: 'graphql_public.graphql(text,text,jsonb,jsonb)',
        owner: 'supabase_admin',
        language: 'plpgsql',
        definer: false,
        volatility: 'v',
        returns: 'jsonb',
        executable_by: ['anon', 'authenticated', 'postgres', 'public', 'service_role'],
      },
    ]);
    const [relations] = await engine.query<{ n: number }>(
      `select count(*)::int as n from pg_class where relnamespace = 'graphql_public'::regnamespace`,
    );
    expect(relations?.n).toBe(0);
  });

  it.each(['anon', 'authenticated', 'service_role'] as const)(
    '%s calling it is answered "not enabled", as an error object',
    async (role) => {
      const rows = await asRole(engine, role, null, `select graphql_public.graphql(query := '{ __typename }') as answer`);
      expect(rows).toEqual([{ answer: GRAPHQL_NOT_ENABLED }]);
    },
  );

  it('enabling pg_graphql puts the resolver behind it; dropping pg_graphql brings the same placeholder back', async () => {
    const definition = `select pg_get_functiondef('${GRAPHQL}'::regprocedure) as source,
                               (select proacl::text from pg_proc where oid = '${GRAPHQL}'::regprocedure) as acl`;
    const ask = `select graphql_public.graphql(query := '{ __typename }') as answer`;
    const [placeholder] = await engine.query(definition);
    await engine.exec('begin');
    try {
      const inner = insideOuterTransaction(engine);
      await applySqlFile(inner, { name: 'supabase/migrations/1_graphql.sql', sql: 'create extension if not exists pg_graphql;' });
      const [enabled] = await inner.query<{ answer: unknown }>(ask);
      expect(enabled?.answer).not.toEqual(GRAPHQL_NOT_ENABLED);
      expect(JSON.stringify(enabled?.answer)).toMatch(/"errors"/);
      await applySqlFile(inner, { name: 'supabase/migrations/2_graphql.sql', sql: 'drop extension pg_graphql;' });
      expect(await inner.query(ask)).toEqual([{ answer: GRAPHQL_NOT_ENABLED }]);
      expect(await inner.query(definition)).toEqual([placeholder]);
    } finally {
      await engine.exec('rollback');
    }
  });
});

const SIGN_UP_TRIGGER = `create function public.on_signup() returns trigger language plpgsql security definer set search_path = '' as $$ begin return new; end $$;
  create trigger on_signup after insert on auth.users for each row execute function public.on_signup();`;

/**
 * Migrations as a project applies them: what supautils lets postgres do runs (as the platform
 * superuser, objects owned as there), what it and the platform refuse is refused. `check` is a
 * query in the migration's transaction whose rows must equal `rows`.
 */
const SUPAUTILS_PROBES: readonly (Probe & { readonly check?: string; readonly rows?: unknown[] })[] = [
  {
    name: 'dropping a trigger on auth.users applies (drop_trigger_grants)',
    sql: `${SIGN_UP_TRIGGER}\ndrop trigger on_signup on auth.users;`,
    outcome: 'applies',
  },
  { name: 'drop trigger if exists on auth.users applies', sql: `drop trigger if exists on_signup on auth.users;`, outcome: 'applies' },
  {
    name: 'a policy on auth.users applies (policy_grants)',
    sql: `create policy "own row" on auth.users for select to authenticated using (id = (select auth.uid()));`,
    outcome: 'applies',
  },
  {
    name: 'a policy on storage.objects, altered and dropped, applies',
    sql: `create policy p on storage.objects for select using (bucket_id = 'a');\nalter policy p on storage.objects using (bucket_id = 'b');\ndrop policy p on storage.objects;`,
    outcome: 'applies',
  },
  {
    name: 'a policy on storage.objects named unqualified, after the file put storage on the search_path, applies',
    sql: `set search_path = storage, public;\ncreate policy p on objects for select using (bucket_id = 'a');\ndrop policy p on "objects";`,
    outcome: 'applies',
  },
  {
    name: "a policy on the repo's own table named like a listed one (public.objects) applies as its owner, not elevated",
    sql: `create table public.objects (id int primary key);\nalter table public.objects enable row level security;\ncreate policy p on objects for select using (true);`,
    outcome: 'applies',
    check: `select pg_get_userbyid(c.relowner) as owner, p.polname::text as policy from pg_policy p join pg_class c on c.oid = p.polrelid where c.oid = 'public.objects'::regclass`,
    rows: [{ owner: 'postgres', policy: 'p' }],
  },
  {
    name: 'a policy on an auth table off the list is refused',
    sql: `create policy p on auth.mfa_factors for select using (true);`,
    outcome: refused(DENIED, /must be owner of table mfa_factors/),
  },
  {
    name: 'create extension of a privileged extension applies, its objects owned by supabase_admin',
    sql: `create extension if not exists vector with schema extensions;\ncreate extension pg_trgm with schema extensions;`,
    outcome: 'applies',
    check: `select pg_get_userbyid(p.proowner) as owner from pg_proc p where p.proname in ('vector_in', 'similarity') group by 1`,
    rows: [{ owner: 'supabase_admin' }],
  },
  {
    name: "a stand-in's objects are owned by supabase_admin and postgres manages its jobs",
    sql: `create extension pg_cron with schema pg_catalog;\ngrant usage on schema cron to authenticated;\nselect cron.schedule('j', '0 3 * * *', 'select 1');`,
    outcome: 'applies',
    check: `select pg_get_userbyid(relowner) as owner from pg_class where oid = 'cron.job'::regclass`,
    rows: [{ owner: 'supabase_admin' }],
  },
  {
    name: 'create publication for all tables applies, owned by postgres',
    sql: `create publication everything for all tables;`,
    outcome: 'applies',
    check: `select pg_get_userbyid(pubowner) as owner from pg_publication where pubname = 'everything'`,
    rows: [{ owner: 'postgres' }],
  },
  {
    name: 'an event trigger applies, owned by postgres',
    sql: `create function public.on_ddl() returns event_trigger language plpgsql as $$ begin end $$;\ncreate event trigger on_ddl on ddl_command_end execute function public.on_ddl();`,
    outcome: 'applies',
    check: `select pg_get_userbyid(evtowner) as owner from pg_event_trigger where evtname = 'on_ddl'`,
    rows: [{ owner: 'postgres' }],
  },
  {
    name: 'set session authorization supabase_admin is refused',
    sql: `select 1;\nset session authorization supabase_admin;`,
    outcome: refused(DENIED, /:2: SET\/RESET SESSION AUTHORIZATION is not allowed on Supabase/),
  },
  {
    name: 'reset session authorization is refused',
    sql: `reset session authorization;`,
    outcome: refused(DENIED, /not allowed on Supabase/),
  },
  {
    name: 'set role supabase_admin is refused',
    sql: `set role supabase_admin;`,
    outcome: refused(DENIED, /SET ROLE supabase_admin is not allowed on Supabase/),
  },
  {
    name: 'a file that becomes another session user in a DO block fails',
    sql: `do $$ begin execute 'set session authorization supabase_admin'; end $$;`,
    outcome: refused(DENIED, /leaves the session as supabase_admin, not postgres: .*not allowed on Supabase/),
  },
  {
    name: 'a file that sets a role and keeps it fails',
    sql: `set role authenticated;`,
    outcome: refused(DENIED, /leaves the session as authenticated \(session user postgres\)/),
  },
  { name: 'a role set and reset applies', sql: `set role authenticated;\nselect 1;\nreset role;`, outcome: 'applies' },
  { name: "changing authenticator's settings applies", sql: `alter role authenticator set statement_timeout = '10s';`, outcome: 'applies' },
  {
    name: 'altering a reserved role is refused',
    sql: `alter role supabase_auth_admin nologin;`,
    outcome: refused(DENIED, /"supabase_auth_admin" is a reserved role, only superusers can modify it/),
  },
  {
    name: 'renaming a reserved role is refused',
    sql: `alter role anon rename to visitor;`,
    outcome: refused(DENIED, /"anon" is a reserved role/),
  },
  {
    name: 'dropping a reserved role is refused',
    sql: `drop role if exists app_role, service_role;`,
    outcome: refused(DENIED, /"service_role" is a reserved role/),
  },
  {
    name: 'granting a reserved membership is refused',
    sql: `grant supabase_auth_admin to postgres;`,
    outcome: refused(DENIED, /"supabase_auth_admin" role memberships are reserved, only superusers can grant them/),
  },
  {
    name: 'granting an API role to a role of its own applies',
    sql: `create role app_writer nologin;\ngrant authenticated, anon to app_writer;`,
    outcome: 'applies',
  },
];

describe('a migration on the embedded engine, with supautils', () => {
  let engine: SqlEngine;
  beforeAll(async () => {
    engine = (await openPreparedEngine('legacy', { extensions: ['pg_trgm', 'vector'] })).engine;
  });
  afterAll(() => engine?.close());

  it.each(SUPAUTILS_PROBES)('$name', async ({ sql, outcome, check, rows }) => {
    await engine.exec('begin');
    let actual: Outcome = 'applies';
    try {
      const inner = insideOuterTransaction(engine);
      await applySqlFile(inner, { name: 'supabase/migrations/1_probe.sql', sql });
      if (check) expect(await inner.query(check)).toEqual(rows);
    } catch (error) {
      if (!isMigrationError(error)) throw error;
      actual = { code: error.sqlError.code ?? 'none', message: new RegExp(error.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) };
    } finally {
      await engine.exec('rollback');
    }
    expectOutcome(actual, outcome);
    const [who] = await engine.query(`select session_user::text as session, current_user::text as current`);
    expect(who).toEqual({ session: 'postgres', current: 'postgres' });
  });

  it("asks the database nothing about policies on tables no grant lists (the phase's, qualified)", async () => {
    const schema = await renderSchema();
    const calls: string[] = [];
    await inRolledBackTransaction(engine, async () => {
      const inner = insideOuterTransaction(engine);
      await applySqlFile(inner, schema.migrations[0]!);
      await applySqlFile(countingCalls(inner, calls), schema.migrations[1]!);
    });
    expect(schema.migrations[1]!.sql).toMatch(/create policy/i);
    expect(calls.filter((call) => call !== 'runSteps')).toEqual(['query']); // the session's roles, for the identity guard
  });

  it('reads from a name alone whether it could be a table a grant lists', () => {
    expect(mayBeGrantedTable('policy', 'storage.objects')).toBe(true);
    expect(mayBeGrantedTable('policy', '"storage" . "objects"')).toBe(true);
    expect(mayBeGrantedTable('policy', 'objects')).toBe(true); // storage on the search_path
    expect(mayBeGrantedTable('drop trigger', 'users')).toBe(true); // auth.users
    expect(mayBeGrantedTable('policy', 'public.users')).toBe(false);
    expect(mayBeGrantedTable('policy', 'public.objects')).toBe(false);
    expect(mayBeGrantedTable('policy', '"Objects"')).toBe(false);
    expect(mayBeGrantedTable('policy', 'auth.mfa_factors')).toBe(false);
    expect(mayBeGrantedTable('policy', 'jobs')).toBe(false);
  });
});
