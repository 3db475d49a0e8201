/**
 * Fidelity probes for storage, realtime and extensions: small migrations with the outcome a new
 * Supabase project gives them, on the embedded engine and on a temporary database of the local
 * PostgreSQL 15. Each probe is applied as a migration file and rolled back.
 *
 * On the embedded engine every probe runs as verify runs user SQL: as the non-superuser
 * `postgres`, with what supautils allows it run as `supabase_admin` (privileged extensions and
 * their stand-ins, policies on platform tables). On the local server the probes run as the
 * test's role, `postgres`, which is a superuser there: they prove the SQL, not the privileges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySqlFile, isMigrationError, type ApplyResult } from '../../src/db/apply-migrations.js';
import type { SqlEngine } from '../../src/db/engine.js';
import { insideOuterTransaction } from '../../src/db/transaction.js';
import { embeddedExtensionsFor, EMULATED_LABEL, extensionStatements } from '../../src/emulation/extensions.js';
import { Cleanups } from '../../src/verify/cleanup.js';
import { postgresProvider } from '../../src/verify/database/provider.js';
import type { DatabaseProvider, DatabaseSession } from '../../src/verify/database/session.js';
import { ENGINE_KINDS, type EngineKind, type TestDatabase } from '../helpers/db-postgres.js';
import { startPrivatePostgres } from '../helpers/private-postgres.js';
import { dumpServer } from '../verify/helpers/private-server.js';
import { openPlatformDatabase } from './platform-database.js';

/** What the probes' migrations create that PGlite runs for real. */
const EMBEDDED_EXTENSIONS = ['vector', 'pg_trgm', 'citext', 'unaccent', 'moddatetime'];

describe.each(ENGINE_KINDS)('a Supabase project on %s', (kind: EngineKind) => {
  let db: TestDatabase;
  let engine: SqlEngine;

  beforeAll(async () => {
    db = await openPlatformDatabase(kind, EMBEDDED_EXTENSIONS);
    engine = db.engine;
  });

  it(kind === 'embedded' ? 'runs the probes as the non-superuser postgres' : 'runs the probes as the test role', async () => {
    const [row] = await engine.query<{ who: string; superuser: boolean }>(
      `select current_user::text as who, current_setting('is_superuser') = 'on' as superuser`,
    );
    expect(row).toEqual(kind === 'embedded' ? { who: 'postgres', superuser: false } : { who: 'postgres', superuser: true });
  });
  afterAll(async () => {
    await db?.dispose();
  });

  /**
   * Applies `sql` as a migration, runs `check` (queries) in the same transaction, and rolls
   * everything back. Returns the apply result, or throws the MigrationError.
   */
  async function probe<T = void>(
    sql: string,
    check?: (engine: SqlEngine, applied: ApplyResult) => Promise<T>,
  ): Promise<{ applied: ApplyResult; checked: T | undefined }> {
    await engine.exec('begin');
    try {
      const inner = insideOuterTransaction(engine);
      const applied = await applySqlFile(inner, { name: 'supabase/migrations/20260101000000_probe.sql', sql });
      const checked = check ? await check(inner, applied) : undefined;
      return { applied, checked };
    } finally {
      await engine.exec('rollback');
    }
  }

  async function refusal(sql: string): Promise<string> {
    try {
      await probe(sql);
    } catch (error) {
      if (isMigrationError(error)) return error.message;
      throw error;
    }
    throw new Error('the migration applied');
  }

  const serverHas = async (extension: string): Promise<boolean> => {
    const [row] = await engine.query<{ has: boolean }>('select exists (select from pg_available_extensions where name = $1) as has', [
      extension,
    ]);
    return Boolean(row?.has);
  };

  describe('storage', () => {
    it('a migration inserts a bucket', async () => {
      const { checked } = await probe(
        `insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
         values ('avatars', 'avatars', true, 5242880, array['image/png']);`,
        (e) => e.query<{ id: string; type: string }>(`select id, type::text from storage.buckets`),
      );
      expect(checked).toEqual([{ id: 'avatars', type: 'STANDARD' }]);
    });

    it('a migration creates policies on storage.objects the way the docs write them', async () => {
      const { checked } = await probe(
        `create policy "Avatar images are publicly accessible" on storage.objects
           for select using (bucket_id = 'avatars');
         create policy "Users upload into their folder" on storage.objects
           for insert to authenticated
           with check (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid()::text));`,
        (e) => e.query<{ n: number }>(`select count(*)::int as n from pg_policies where schemaname = 'storage' and tablename = 'objects'`),
      );
      expect(checked).toEqual([{ n: 2 }]);
    });

    it('refuses deleting from storage.objects directly', async () => {
      expect(await refusal(`delete from storage.objects where bucket_id = 'avatars';`)).toMatch(
        /:1: Direct deletion from storage tables is not allowed\. Use the Storage API instead\./,
      );
    });

    it('refuses deleting a bucket directly', async () => {
      expect(await refusal(`insert into storage.buckets (id, name) values ('b', 'b');\ndelete from storage.buckets;`)).toMatch(
        /:2: Direct deletion from storage tables is not allowed/,
      );
    });

    it('a trigger that deletes from storage.objects applies, and fails when it fires', async () => {
      const trigger = `
        create table public.documents (id uuid primary key, path text not null);
        create function public.remove_file() returns trigger language plpgsql security definer set search_path = '' as $$
        begin
          delete from storage.objects where bucket_id = 'docs' and name = old.path;
          return old;
        end $$;
        create trigger documents_remove_file after delete on public.documents for each row execute function public.remove_file();`;
      await probe(trigger);
      expect(
        await refusal(`${trigger}
        insert into public.documents values ('00000000-0000-4000-8000-000000000001', 'a/b.pdf');
        delete from public.documents;`),
      ).toMatch(/Direct deletion from storage tables is not allowed/);
    });

    it('has the helper functions policies call', async () => {
      const [row] = await engine.query<Record<string, unknown>>(
        `select storage.foldername('u1/photos/cat.png') as folders, storage.filename('u1/photos/cat.png') as file,
                storage.extension('u1/photos/cat.png') as ext`,
      );
      expect(row).toEqual({ folders: ['u1', 'photos'], file: 'cat.png', ext: 'png' });
      const functions = await engine.query<{ proname: string }>(
        `select proname from pg_proc where pronamespace = 'storage'::regnamespace order by 1`,
      );
      expect(functions.map((f) => f.proname)).toEqual(
        expect.arrayContaining(['search', 'get_size_by_bucket', 'list_objects_with_delimiter', 'can_insert_object', 'operation']),
      );
    });

    it('belongs to supabase_storage_admin, with RLS on objects and buckets', async () => {
      const rows = await engine.query<{ relname: string; owner: string; rls: boolean }>(
        `select relname, pg_get_userbyid(relowner) as owner, relrowsecurity as rls from pg_class
          where relnamespace = 'storage'::regnamespace and relname in ('buckets', 'objects', 's3_multipart_uploads', 's3_multipart_uploads_parts', 'migrations')
          order by relname`,
      );
      expect(rows).toHaveLength(5);
      for (const row of rows) expect(row).toMatchObject({ owner: 'supabase_storage_admin', rls: true });
    });

    it('shows no object to an API role without a policy, yet grants it the table', async () => {
      const { checked } = await probe(
        `insert into storage.buckets (id, name) values ('private', 'private');
         insert into storage.objects (bucket_id, name) values ('private', 'a.txt');`,
        async (e) => {
          await e.exec(`set local role authenticated`);
          const rows = await e.query(`select * from storage.objects`);
          await e.exec(`reset role`);
          return rows.length;
        },
      );
      expect(checked).toBe(0);
    });
  });

  describe('realtime', () => {
    it('a migration adds a table to supabase_realtime', async () => {
      const { checked } = await probe(
        `create table public.messages (id bigint generated always as identity primary key, body text);
         alter publication supabase_realtime add table public.messages;`,
        (e) => e.query(`select tablename from pg_publication_tables where pubname = 'supabase_realtime'`),
      );
      expect(checked).toEqual([{ tablename: 'messages' }]);
    });

    it('has supabase_realtime owned by postgres, with no table', async () => {
      expect(
        await engine.query(
          `select pg_get_userbyid(pubowner) as owner, (select count(*)::int from pg_publication_tables t where t.pubname = p.pubname) as tables
             from pg_publication p where pubname = 'supabase_realtime'`,
        ),
      ).toEqual([{ owner: 'postgres', tables: 0 }]);
    });

    it('a migration calls realtime.send, which stores the broadcast', async () => {
      const { checked } = await probe(`select realtime.send(jsonb_build_object('hello', 'world'), 'greeting', 'room:1', false);`, (e) =>
        e.query(`select topic, event, extension, private from realtime.messages`),
      );
      expect(checked).toEqual([{ topic: 'room:1', event: 'greeting', extension: 'broadcast', private: false }]);
    });

    it('a trigger broadcasts row changes with realtime.broadcast_changes', async () => {
      const { checked } = await probe(
        `create table public.rooms (id int primary key, name text);
         create function public.rooms_broadcast() returns trigger language plpgsql security definer set search_path = '' as $$
         begin
           perform realtime.broadcast_changes('room:' || coalesce(new.id, old.id)::text, tg_op, tg_op, tg_table_name, tg_table_schema, new, old);
           return null;
         end $$;
         create trigger rooms_broadcast after insert or update or delete on public.rooms
           for each row execute function public.rooms_broadcast();
         insert into public.rooms values (7, 'lobby');`,
        (e) => e.query(`select topic, event, payload -> 'record' ->> 'name' as name from realtime.messages`),
      );
      expect(checked).toEqual([{ topic: 'room:7', event: 'INSERT', name: 'lobby' }]);
    });

    it('a migration creates a private-channel policy on realtime.messages with realtime.topic()', async () => {
      await probe(
        `create policy "members read their room" on realtime.messages for select to authenticated
           using ((select realtime.topic()) like 'room:%' and extension in ('broadcast', 'presence'));`,
      );
      const [row] = await engine.query(`select relrowsecurity as rls from pg_class where oid = 'realtime.messages'::regclass`);
      expect(row).toEqual({ rls: true });
    });
  });

  describe('extensions run for real', () => {
    it('create extension vector, then ivfflat and hnsw indexes and a <=> query', async () => {
      const sql = `create extension if not exists vector with schema extensions;
        create table public.documents (id bigint primary key, embedding extensions.vector(3));
        create index on public.documents using ivfflat (embedding extensions.vector_cosine_ops) with (lists = 1);
        create index on public.documents using hnsw (embedding extensions.vector_cosine_ops);
        insert into public.documents values (1, '[1,0,0]'), (2, '[0,1,0]');`;
      if (kind === 'postgres' && !(await serverHas('vector'))) {
        expect(await refusal(sql)).toMatch(/:1: .*vector/);
        return;
      }
      const { applied, checked } = await probe(sql, (e) =>
        e.query(`select id::int from public.documents order by embedding operator(extensions.<=>) '[1,0.1,0]' limit 1`),
      );
      expect(checked).toEqual([{ id: 1 }]);
      expect(applied.emulatedExtensions).toEqual([]);
    });

    it('pg_trgm with a gin trigram index', async () => {
      const { checked } = await probe(
        `create extension if not exists pg_trgm with schema extensions;
         create table public.people (name text);
         create index people_name_trgm on public.people using gin (name extensions.gin_trgm_ops);
         insert into public.people values ('Ada Lovelace'), ('Alan Turing');`,
        (e) => e.query(`select name from public.people where extensions.similarity(name, 'Ada Lovelase') > 0.5`),
      );
      expect(checked).toEqual([{ name: 'Ada Lovelace' }]);
    });

    it('citext makes a unique email case-insensitive', async () => {
      const message = await refusal(
        `create extension if not exists citext with schema extensions;
         create table public.accounts (email extensions.citext unique);
         insert into public.accounts values ('Ada@Example.com');
         insert into public.accounts values ('ada@example.com');`,
      );
      expect(message).toMatch(/:4: duplicate key value violates unique constraint "accounts_email_key"/);
    });

    it('unaccent strips accents', async () => {
      const { checked } = await probe(`create extension if not exists unaccent with schema extensions;`, (e) =>
        e.query(`select extensions.unaccent('Hélène Ðurić') as plain`),
      );
      expect(checked).toEqual([{ plain: 'Helene Duric' }]);
    });

    it('a moddatetime trigger keeps updated_at current', async () => {
      const { checked } = await probe(
        `create extension if not exists moddatetime schema extensions;
         create table public.notes (id int primary key, updated_at timestamptz not null default '2000-01-01');
         create trigger handle_updated_at before update on public.notes
           for each row execute procedure extensions.moddatetime (updated_at);
         insert into public.notes (id) values (1);
         update public.notes set id = 1;`,
        (e) => e.query(`select updated_at > '2001-01-01' as touched from public.notes`),
      );
      expect(checked).toEqual([{ touched: true }]);
    });

    it('refuses an extension nobody has, with PostgreSQL message', async () => {
      expect(await refusal(`create extension does_not_exist;`)).toMatch(
        /:1: (extension "does_not_exist" is not available|could not open extension control file ".*does_not_exist\.control")/,
      );
    });
  });

  describe('extensions stood in for (DDL only)', () => {
    it('cron.schedule applies and records the job', async () => {
      const { applied, checked } = await probe(
        `create extension if not exists pg_cron with schema pg_catalog;
         grant usage on schema cron to postgres;
         select cron.schedule('nightly-cleanup', '0 3 * * *', $$delete from public.sessions where expires_at < now()$$);
         select cron.schedule('*/5 * * * *', 'select 1');
         select cron.schedule('ping', '30 seconds', 'select 1');`,
        (e) => e.query(`select jobname, schedule from cron.job order by jobid`),
      );
      expect(checked).toEqual([
        { jobname: 'nightly-cleanup', schedule: '0 3 * * *' },
        { jobname: null, schedule: '*/5 * * * *' },
        { jobname: 'ping', schedule: '30 seconds' },
      ]);
      expect(applied.emulatedExtensions.map((e) => e.name)).toEqual(['pg_cron']);
    });

    it('cron.schedule refuses a schedule pg_cron cannot parse', async () => {
      expect(await refusal(`create extension pg_cron;\nselect cron.schedule('bad', 'every day', 'select 1');`)).toMatch(
        /:2: invalid schedule: every day/,
      );
    });

    it('select vault.create_secret applies and the secret reads back decrypted', async () => {
      const { checked } = await probe(
        `create extension if not exists supabase_vault with schema vault;
         select vault.create_secret('sk_live_123', 'stripe_key', 'Stripe secret key');`,
        (e) => e.query(`select name, decrypted_secret from vault.decrypted_secrets`),
      );
      expect(checked).toEqual([{ name: 'stripe_key', decrypted_secret: 'sk_live_123' }]);
    });

    it('net.http_post in a function body applies, and a call queues the request', async () => {
      const { applied, checked } = await probe(
        `create extension if not exists pg_net with schema extensions;
         create function public.notify_signup() returns trigger language plpgsql security definer set search_path = '' as $$
         begin
           perform net.http_post(
             url := 'https://example.com/hooks/signup',
             body := jsonb_build_object('id', new.id),
             headers := '{"Content-Type": "application/json"}'::jsonb
           );
           return new;
         end $$;
         create table public.signups (id int);
         create trigger on_signup after insert on public.signups for each row execute function public.notify_signup();
         insert into public.signups values (1);`,
        (e) => e.query(`select method, url from net.http_request_queue`),
      );
      expect(checked).toEqual([{ method: 'POST', url: 'https://example.com/hooks/signup' }]);
      expect(applied.emulatedExtensions).toEqual([{ name: 'pg_net', note: expect.stringContaining('never sent') }]);
    });

    it('pgjwt signs and verifies a token', async () => {
      const { checked } = await probe(`create extension if not exists pgjwt with schema extensions;`, (e) =>
        e.query(`select valid, payload ->> 'sub' as sub from extensions.verify(extensions.sign('{"sub":"u1"}'::json, 'secret'), 'secret')`),
      );
      expect(checked).toEqual([{ valid: true, sub: 'u1' }]);
    });

    it('pgmq queues, reads and archives messages', async () => {
      const { checked } = await probe(
        `create extension if not exists pgmq;
         select pgmq.create('emails');
         select pgmq.send('emails', '{"to":"a@example.com"}');`,
        async (e) => {
          const read = await e.query<{ msg_id: string }>(`select msg_id::int, message ->> 'to' as to from pgmq.read('emails', 30, 5)`);
          const again = await e.query(`select * from pgmq.read('emails', 30, 5)`);
          return { read, again: again.length };
        },
      );
      expect(checked).toEqual({ read: [{ msg_id: 1, to: 'a@example.com' }], again: 0 });
    });

    it('pg_graphql resolves nothing, but the API function exists for the API roles', async () => {
      const { checked } = await probe(`create extension if not exists pg_graphql;`, (e) =>
        e.query(`select has_function_privilege('anon', 'graphql_public.graphql(text, text, jsonb, jsonb)', 'execute') as callable`),
      );
      expect(checked).toEqual([{ callable: true }]);
    });

    it('drop extension of a stand-in removes its objects', async () => {
      const { checked } = await probe(`create extension pg_cron;\ndrop extension pg_cron;`, (e) =>
        e.query(`select to_regnamespace('cron') is null as gone`),
      );
      expect(checked).toEqual([{ gone: true }]);
    });

    it('refuses plv8 with the reason', async () => {
      if (await serverHas('plv8')) return;
      expect(await refusal(`create extension plv8;`)).toMatch(/:1: extension "plv8" is not available/);
    });

    it('reports a failure after a stand-in at its own line', async () => {
      expect(await refusal(`create extension pg_net;\n\nselect 1;\nselect net.no_such_function();`)).toMatch(
        /:4: function net\.no_such_function\(\) does not exist/,
      );
    });

    it('lists the stand-ins a migration created, and none for a plain one', async () => {
      const { applied } = await probe(`create extension index_advisor;\ncreate table public.t (id int);`);
      expect(applied.emulatedExtensions.map((e) => e.name).sort()).toEqual(['hypopg', 'index_advisor']);
      expect((await probe(`create table public.t (id int);`)).applied.emulatedExtensions).toEqual([]);
      expect(EMULATED_LABEL).toBe('DDL only: behaviour not verified');
    });
  });
});

describe('which extensions an embedded engine loads', () => {
  it("only those the migrations create for real (the image's own re-created too), with what they require", () => {
    expect(
      embeddedExtensionsFor([
        `-- create extension postgis; is only a comment
         create extension if not exists "vector" with schema extensions;
         create extension earthdistance cascade;`,
        `do $$ begin perform 1; end $$; create extension pg_cron;`,
        `create extension "uuid-ossp";`,
      ]),
    ).toEqual(['cube', 'earthdistance', 'uuid-ossp', 'vector']);
  });

  it('none for a repo that creates no extension', () => {
    expect(embeddedExtensionsFor([`create table t (id int);`, `select 'create extension vector';`])).toEqual([]);
  });

  it('reads statements, not text', () => {
    expect(
      extensionStatements(
        `select $$ create extension pg_cron; $$;\nCREATE EXTENSION IF NOT EXISTS "pg_net" WITH SCHEMA "extensions" CASCADE;`,
      ),
    ).toEqual([expect.objectContaining({ action: 'create', name: 'pg_net', ifNotExists: true, schema: 'extensions', cascade: true })]);
  });
});

/**
 * The platform's tables as a project's postgres meets them: it owns none of storage.objects,
 * storage.buckets, realtime.messages or auth.users and is no member of their owners (supabase/postgres
 * revoked supabase_storage_admin, supabase_auth_admin and supabase_realtime_admin from it:
 * 20250421084701_revoke_admin_roles_from_postgres), yet supautils lets it create, alter and drop
 * policies there and drop triggers (supautils.policy_grants, supautils.drop_trigger_grants). So
 * the docs' storage policies apply, and altering the tables is refused ("must be owner").
 *
 * Embedded: the non-superuser postgres with the supautils emulation. Server: the repo's SQL as
 * `--db-url` runs it from a superuser URL, as the run's own role, on a private PostgreSQL (the
 * run creates roles there). Each probe is a migration, rolled back.
 */
interface TableProbe {
  readonly name: string;
  readonly sql: string;
  /** 'applies', or the message it is refused with (SQLSTATE 42501). */
  readonly outcome: 'applies' | RegExp;
  /** A query in the migration's transaction, and its rows. */
  readonly check?: string;
  readonly rows?: unknown[];
}

const OBJECTS_POLICIES = `select policyname::text as name, cmd::text from pg_policies where schemaname = 'storage' and tablename = 'objects' order by 1`;
const OWNER = /must be owner of table/;

const PLATFORM_TABLE_PROBES: readonly TableProbe[] = [
  {
    name: "creates the docs' avatar policies on storage.objects and alters one",
    sql: `create policy "Avatar images are publicly accessible" on storage.objects for select using (bucket_id = 'avatars');
create policy "Users upload their avatar" on storage.objects
  for insert to authenticated
  with check (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid())::text);
alter policy "Avatar images are publicly accessible" on storage.objects using (bucket_id in ('avatars', 'public'));`,
    outcome: 'applies',
    check: OBJECTS_POLICIES,
    rows: [
      { name: 'Avatar images are publicly accessible', cmd: 'SELECT' },
      { name: 'Users upload their avatar', cmd: 'INSERT' },
    ],
  },
  {
    name: 'drops a policy on storage.objects, and drop policy if exists of none applies',
    sql: `create policy p on storage.objects for select using (true);\ndrop policy p on storage.objects;\ndrop policy if exists none_such on storage.objects;`,
    outcome: 'applies',
    check: OBJECTS_POLICIES,
    rows: [],
  },
  {
    name: "a policy on storage.objects calling a function of the repo's own schema",
    sql: `create schema app;
create table app.members (user_id uuid, bucket text);
create function app.may_read(bucket text) returns boolean language sql stable security definer set search_path = '' as
  $$ select exists (select from app.members m where m.user_id = (select auth.uid()) and m.bucket = may_read.bucket) $$;
create policy "members read" on storage.objects for select to authenticated using (app.may_read(bucket_id));`,
    outcome: 'applies',
  },
  {
    name: 'a policy on storage.buckets',
    sql: `create policy "public buckets" on storage.buckets for select using (public);`,
    outcome: 'applies',
  },
  {
    name: 'a policy on realtime.messages',
    sql: `create policy "room members" on realtime.messages for select to authenticated using ((select realtime.topic()) like 'room:%');`,
    outcome: 'applies',
  },
  {
    name: 'a policy on auth.users',
    sql: `create policy "own row" on auth.users for select to authenticated using (id = (select auth.uid()));`,
    outcome: 'applies',
  },
  {
    name: 'drops a trigger on auth.users',
    sql: `create function public.on_signup() returns trigger language plpgsql security definer set search_path = '' as $$ begin return new; end $$;
create trigger on_signup after insert on auth.users for each row execute function public.on_signup();
drop trigger on_signup on auth.users;
drop trigger if exists on_auth_user_created on auth.users;`,
    outcome: 'applies',
  },
  { name: 'enabling RLS on storage.objects is refused', sql: `alter table storage.objects enable row level security;`, outcome: OWNER },
  { name: 'an index on storage.objects is refused', sql: `create index on storage.objects (owner_id);`, outcome: OWNER },
  { name: 'a column on realtime.messages is refused', sql: `alter table realtime.messages add column room text;`, outcome: OWNER },
  {
    name: 'a policy on an auth table off the list is refused',
    sql: `create policy p on auth.mfa_factors for select using (true);`,
    outcome: /must be owner of table mfa_factors/,
  },
];

describe.each(['embedded', 'server run'] as const)("the platform's tables as a project's postgres, on %s", (kind) => {
  let engine: SqlEngine;
  let close: () => Promise<void>;

  beforeAll(async () => {
    if (kind === 'embedded') {
      const db = await openPlatformDatabase('embedded');
      engine = db.engine;
      close = () => db.dispose();
      return;
    }
    const run = await openServerRun();
    engine = run.session.engine;
    close = async () => {
      const { before, after } = await run.end();
      expect(after).toBe(before);
    };
  });
  afterAll(() => close?.());

  it.each(PLATFORM_TABLE_PROBES)('$name', async ({ sql, outcome, check, rows }) => {
    const result = await migrationOutcome(engine, sql, check);
    expect(result.outcome).toEqual(outcome === 'applies' ? 'applies' : expect.stringMatching(outcome));
    if (check) expect(result.rows).toEqual(rows);
  });
});

/** Applies `sql` as a migration and runs `check` in its transaction; all rolled back. */
async function migrationOutcome(engine: SqlEngine, sql: string, check?: string): Promise<{ outcome: string; rows?: unknown[] }> {
  await engine.exec('begin');
  try {
    const inner = insideOuterTransaction(engine);
    await applySqlFile(inner, { name: 'supabase/migrations/20260101000000_probe.sql', sql });
    return { outcome: 'applies', ...(check ? { rows: await inner.query(check) } : {}) };
  } catch (error) {
    if (!isMigrationError(error)) throw error;
    expect(error.sqlError.code).toBe('42501');
    return { outcome: error.sqlError.message };
  } finally {
    await engine.exec('rollback');
  }
}

interface ServerRunSession {
  readonly session: DatabaseSession;
  /**
   * Ends the run (database and roles dropped) and stops the server, once; resolves to the
   * server's globals (pg_dumpall) before the run and after it ended.
   */
  readonly end: () => Promise<{ before: string; after: string }>;
}

/** A legacy-grants session as verify --db-url opens it with a superuser URL, on a private server. */
async function openServerRun(): Promise<ServerRunSession> {
  const server = await startPrivatePostgres();
  let provider: DatabaseProvider | null = null;
  try {
    const before = await dumpServer(server.url, '--globals-only');
    provider = postgresProvider(server.url, new Cleanups());
    const session = await provider.open('legacy');
    const opened = provider;
    let ended: Promise<{ before: string; after: string }> | null = null;
    const end = async () => {
      try {
        await session.close();
        expect(await opened.close()).toEqual([]);
        return { before, after: await dumpServer(server.url, '--globals-only') };
      } finally {
        await server.stop();
      }
    };
    return { session, end: () => (ended ??= end()) };
  } catch (error) {
    await provider?.close().catch(() => undefined);
    await server.stop();
    throw error;
  }
}

describe('the server run: the role behind the table grants reaches no further', () => {
  let run: ServerRunSession;
  beforeAll(async () => {
    run = await openServerRun();
  });
  afterAll(() => run?.end().catch(() => undefined));

  it("the run's role cannot become it", async () => {
    const result = await migrationOutcome(
      run.session.engine,
      `do $$ begin execute format('set role %I', (select pg_get_userbyid(proowner) from pg_proc where proname = 'run_granted')); end $$;`,
    );
    expect(result.outcome).toMatch(/^permission denied to set role "verify_[0-9a-f]+_supautils"$/);
  });

  it('runs only the statement kind of its grant', async () => {
    const result = await migrationOutcome(
      run.session.engine,
      `select verify_supautils.run_granted('policy', 'storage.objects', 'alter table storage.objects disable row level security', current_setting('search_path'));`,
    );
    expect(result.outcome).toBe('verify_supautils.run_granted runs policy statements only');
  });

  it("runs one statement: nothing smuggled after a policy runs with the owners' rights", async () => {
    // PostgreSQL refuses `set role` in a security-definer function, but a second statement would
    // still run with the privileges of the tables' owners (supabase_storage_admin…).
    const result = await migrationOutcome(
      run.session.engine,
      `select verify_supautils.run_granted('policy', 'storage.objects',
         'create policy p2 on storage.objects using (true); set role supabase_storage_admin; create role intruder',
         current_setting('search_path'));`,
    );
    expect(result.outcome).toBe('verify_supautils.run_granted runs one statement at a time');
  });

  it('a semicolon inside quotes, a comment or a dollar-quoted string is part of the one statement', async () => {
    const result = await migrationOutcome(
      run.session.engine,
      `select verify_supautils.run_granted('policy', 'storage.objects',
         $s$create policy "a;b" on storage.objects /* x; /* y; */ z; */ using (name <> 'c;''d' and name <> E'\\';' and name <> $q$e;$q$) -- f;
           ;  $s$, current_setting('search_path'));`,
    );
    expect(result.outcome).toBe('applies');
  });

  it("leaves the server's roles as they were once the run ends", async () => {
    const { before, after } = await run.end();
    expect(after).toBe(before);
  });
});
