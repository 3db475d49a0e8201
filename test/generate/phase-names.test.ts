import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/db/apply-migrations.js';
import { openPreparedEngine } from '../../src/db/engine-cache.js';
import { DATA_ON_DISK_CHARS } from '../../src/db/engine-data-dir.js';
import { RUNTIME_CALL } from '../helpers/runtime-module-call.js';
import type { EmbeddedSqlEngine, SqlEngine } from '../../src/db/engine.js';
import { isCliError } from '../../src/errors.js';
import { phaseMigrationTemplates, renderPhaseMigrations } from '../../src/phase-04/types-model.js';
import { knownPhaseObjects, readPhaseObjects } from '../../src/pipeline/phase-objects.js';
import { resolvePhaseNames, type ResolvedPhaseNames } from '../../src/pipeline/phase-names.js';
import { exampleContext } from '../../src/render/context.js';
import { renderTemplate } from '../../src/render/render.js';
import type { PhaseRoutineNames } from '../../src/phase-04/spec.js';

/** The --append check over these repo files (name → SQL, in order), with the phase's real migrations. */
async function resolve(files: Record<string, string>): Promise<ResolvedPhaseNames> {
  const templates = await phaseMigrationTemplates();
  return resolvePhaseNames({
    repoMigrations: Object.entries(files).map(([name, sql]) => ({ name: `supabase/migrations/${name}`, sql })),
    renderPhase: (names: PhaseRoutineNames) =>
      Promise.all(templates.map(async (template) => ({ name: template, sql: await renderTemplate(template, exampleContext({ names })) }))),
  });
}

async function refusal(files: Record<string, string>): Promise<string> {
  const error = await resolve(files).then(
    async (resolved) => {
      await resolved.database.engine.close();
      return null;
    },
    (caught: unknown) => caught,
  );
  if (!isCliError(error)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error.message;
}

async function publicRelations(engine: SqlEngine) {
  return engine.query<{ oid: string; name: string; kind: string }>(
    `select oid::text, relname::text as name, relkind::text as kind from pg_class where relnamespace = 'public'::regnamespace order by relname`,
  );
}

/** A function that creates public.users when called, without the file naming it. */
const MAKES_USERS = `create function public.make_it() returns void language plpgsql as $$
begin
  execute 'create table public.' || 'us' || 'ers' || ' (id int)';
end $$;`;

describe('the --append check (resolvePhaseNames)', () => {
  it("runs the migrations again with the image's modules when a call assembled at run time needed one", async () => {
    const resolved = await resolve({ '0001_runtime_call.sql': RUNTIME_CALL });
    await resolved.database.engine.close();
    expect(resolved.renamed).toEqual([]);
  });

  it('keeps its data on disk past DATA_ON_DISK_CHARS of SQL, in memory below', async () => {
    const row = "insert into public.notes values (default, 'a seed-like row of text');\n";
    const big = `create table public.notes (id int generated always as identity primary key, body text);\n${row.repeat(Math.ceil(DATA_ON_DISK_CHARS / row.length))}`;
    const large = await resolve({ '0001_notes.sql': big });
    const small = await resolve({ '0001_notes.sql': 'create table public.notes (id int primary key);' });
    try {
      expect((large.database.engine as EmbeddedSqlEngine).dataDir).not.toBeNull();
      expect((small.database.engine as EmbeddedSqlEngine).dataDir).toBeNull();
      // Each file commits: in memory every change is logged; on disk a bulk load into a table the file made is not.
      expect(await small.database.engine.query('show wal_level')).toEqual([{ wal_level: 'replica' }]);
      expect(await large.database.engine.query('show wal_level')).toEqual([{ wal_level: 'minimal' }]);
    } finally {
      await large.database.engine.close();
      await small.database.engine.close();
    }
  });

  it("hands back the engine holding the repo's migrations and then the phase's: the database a new engine applying them has", async () => {
    const resolved = await resolve({ '0001_notes.sql': 'create table public.notes (id int primary key);' });
    const { engine: fresh } = await openPreparedEngine('current');
    try {
      expect(resolved.database.applied.map((f) => f.name)).toEqual([
        'supabase/migrations/0001_notes.sql',
        ...(await phaseMigrationTemplates()),
      ]);
      await applyMigrations(fresh, resolved.database.applied);
      const tables = await publicRelations(resolved.database.engine);
      expect(tables.filter((t) => t.kind === 'r').map((t) => t.name)).toEqual([
        'assets',
        'jobs',
        'notes',
        'subscription_audit',
        'subscriptions',
        'users',
      ]);
      // Object for object, OIDs included: nothing else ran on it (the phase's objects came from the build).
      expect(tables).toEqual(await publicRelations(fresh));
    } finally {
      await resolved.database.engine.close();
      await fresh.close();
    }
  });

  it('names the file an object of the phase first appeared after, when no file names it (a function called later)', async () => {
    const message = await refusal({
      '0001_fn.sql': MAKES_USERS,
      '0002_a.sql': 'create table public.a (id int);',
      '0003_call.sql': 'select public.make_it();',
      '0004_b.sql': 'create table public.b (id int);',
    });
    expect(message).toBe(
      '--append refused: existing migrations already define objects the phase creates: table public.users (0003_call.sql)',
    );
  });

  it('a file that fails among files applied together is the error, named, with nothing written', async () => {
    const error = await resolve({
      '0001_a.sql': 'create table public.a (id int);',
      '0002_broken.sql': 'create table public.b (id int);\ninsert into public.no_such_table values (1);',
      '0003_c.sql': 'create table public.c (id int);',
    }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isCliError(error) && error.code).toBe('migration');
    expect((error as Error).message).toMatch(
      /^supabase\/migrations\/0002_broken\.sql.*relation "public\.no_such_table" does not exist.*\(your migration fails on the Supabase emulation; nothing was written\)$/,
    );
  });

  it('still names that file when a later file names the object', async () => {
    const message = await refusal({
      '0001_fn.sql': MAKES_USERS,
      '0002_call.sql': 'select public.make_it();',
      '0003_a.sql': 'create table public.a (id int);',
      '0004_comment.sql': "comment on table public.users is 'made by make_it';",
    });
    expect(message).toBe(
      '--append refused: existing migrations already define objects the phase creates: table public.users (0002_call.sql)',
    );
  });

  it('is not misled by an index of the phase made for a partition by a file that names neither', async () => {
    const message = await refusal({
      '0001_parent.sql': 'create table public.parent (id int not null, k int not null) partition by list (k);',
      '0002_users.sql': 'create table public.users partition of public.parent for values in (1);',
      '0003_a.sql': 'create table public.a (id int);',
      // Creates public.users_pkey on the partition.
      '0004_pk.sql': 'alter table public.parent add primary key (id, k);',
    });
    expect(message).toBe(
      '--append refused: existing migrations already define objects the phase creates: table public.users (0002_users.sql)',
    );
  });

  it('renames a routine of the phase that a file defines through dynamic SQL, naming that file', async () => {
    const resolved = await resolve({
      '0001_profiles.sql': 'create table public.profiles (id uuid primary key);',
      '0002_do.sql': `do $$ begin
  execute 'create function public.handle_' || 'new_user() returns trigger language plpgsql as $f$ begin return new; end $f$';
end $$;`,
      '0003_c.sql': 'create table public.c (id int);',
    });
    await resolved.database.engine.close();
    expect(resolved.names.signUpFunction).toBe('handle_new_user_phase04');
    expect(resolved.renamed).toEqual([
      "function public.handle_new_user() is defined by 0002_do.sql: the phase's is named handle_new_user_phase04",
    ]);
  });
});

describe("the phase's objects known from the build", () => {
  it.each([[['free']], [['free', 'pro', 'enterprise']], [['x'.repeat(32), 'a_', 'b1']]])(
    'tiers %j: the objects the engine reads',
    async (tiers) => {
      const files = (await renderPhaseMigrations(tiers)).map((sql, i) => ({ name: `${i}.sql`, sql }));
      const known = await knownPhaseObjects(files);
      expect(known, 'dist/phase-04-named-objects.json is missing or stale: run npm run build').not.toBeNull();
      const { engine } = await openPreparedEngine('current');
      try {
        expect(known).toEqual(await readPhaseObjects(engine, files));
      } finally {
        await engine.close();
      }
    },
  );

  it("are not used for migrations that are not exactly the phase's own", async () => {
    const files = (await renderPhaseMigrations(['free'])).map((sql, i) => ({ name: `${i}.sql`, sql }));
    expect(
      await knownPhaseObjects([files[0]!, { ...files[1]!, sql: `${files[1]!.sql}\ncreate table public.extra (id int);\n` }]),
    ).toBeNull();
    expect(await knownPhaseObjects(files.slice(0, 1))).toBeNull();
  });
});
