import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/db/apply-migrations.js';
import { diffCatalogs, type CatalogDifference } from '../../src/db/catalog-diff.js';
import { readCatalogSnapshot } from '../../src/db/catalog-snapshot.js';
import type { TestDatabase } from '../helpers/db-postgres.js';
import { openStandInDatabase } from '../helpers/db-standin.js';

/**
 * Two databases from the same Supabase baseline, the same schema written two ways (as a person
 * writes a schema file, and as `supabase db diff` writes the migration): the snapshots agree;
 * every kind of change on one side is one difference naming the object and the property.
 */
const DECLARED = `
create type public.mood as enum ('calm', 'busy');
create table public.notes (
  id bigint generated always as identity primary key,
  owner uuid not null references auth.users (id) on delete cascade,
  body text not null default '',
  mood public.mood,
  constraint body_short check (char_length(body) < 1000)
);
create index notes_owner_idx on public.notes (owner);
alter table public.notes enable row level security;
create policy "Owners read their notes" on public.notes for select to authenticated using (owner = (select auth.uid()));
grant select on public.notes to authenticated;
create function public.note_count() returns bigint language sql stable security definer set search_path = ''
as $$ select count(*) from public.notes $$;
revoke execute on function public.note_count() from public, anon;
create function public.touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger notes_touch before update on public.notes for each row execute function public.touch();
create view public.note_bodies as select id, body from public.notes;
create trigger users_touch after insert on auth.users for each row execute function public.touch();
`;

const MIGRATED = `
create type "public"."mood" as enum ('calm', 'busy');
create table "public"."notes" (
    "id" bigint generated always as identity not null,
    "owner" uuid not null,
    "body" text not null default ''::text,
    "mood" "public"."mood"
);
alter table "public"."notes" enable row level security;
CREATE UNIQUE INDEX notes_pkey ON public.notes USING btree (id);
alter table "public"."notes" add constraint "notes_pkey" PRIMARY KEY using index "notes_pkey";
alter table "public"."notes" add constraint "notes_owner_fkey" FOREIGN KEY (owner) REFERENCES auth.users(id) ON DELETE CASCADE;
alter table "public"."notes" add constraint "body_short" CHECK ((char_length(body) < 1000));
CREATE INDEX notes_owner_idx ON public.notes USING btree (owner);
create policy "Owners read their notes" on "public"."notes" as permissive for select to authenticated using ((owner = ( SELECT auth.uid() AS uid)));
grant select on table "public"."notes" to "authenticated";
CREATE OR REPLACE FUNCTION public.note_count()
 RETURNS bigint
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $$ select count(*) from public.notes $$;
revoke execute on function public.note_count() from public, anon;
CREATE OR REPLACE FUNCTION public.touch()
 RETURNS trigger
 LANGUAGE plpgsql
AS $$ begin return new; end $$;
CREATE TRIGGER notes_touch BEFORE UPDATE ON public.notes FOR EACH ROW EXECUTE FUNCTION public.touch();
create or replace view "public"."note_bodies" as  SELECT notes.id, notes.body FROM notes;
create trigger users_touch after insert on auth.users for each row execute function public.touch();
`;

const describeDifference = (d: CatalogDifference) =>
  d.change === 'differs' ? `${d.object.key}: ${d.fact}: ${d.left} | ${d.right}` : `${d.change} ${d.object.key}`;

describe.each(['embedded', 'postgres'] as const)('catalog snapshots on %s', (kind) => {
  let declared: TestDatabase;
  let migrated: TestDatabase;
  beforeAll(async () => {
    [declared, migrated] = await Promise.all([openStandInDatabase(kind, 'current'), openStandInDatabase(kind, 'current')]);
    await applyMigrations(declared.engine, [{ name: 'declared.sql', sql: DECLARED }]);
    await applyMigrations(migrated.engine, [{ name: 'migrated.sql', sql: MIGRATED }]);
  });
  afterAll(() => Promise.all([declared?.dispose(), migrated?.dispose()]));

  /** The difference `change` (SQL run on the migrated side, rolled back) makes. */
  async function differencesAfter(change: string): Promise<string[]> {
    const left = await readCatalogSnapshot(declared.engine);
    await migrated.engine.exec('begin');
    try {
      await migrated.engine.exec(change);
      return diffCatalogs(left, await readCatalogSnapshot(migrated.engine)).map(describeDifference);
    } finally {
      await migrated.engine.exec('rollback');
    }
  }

  it('the same schema written two ways makes the same snapshot', async () => {
    const left = await readCatalogSnapshot(declared.engine);
    const right = await readCatalogSnapshot(migrated.engine);
    expect(diffCatalogs(left, right).map(describeDifference)).toEqual([]);
    const keys = left.map((o) => o.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'table public.notes',
        'column public.notes.body',
        'constraint notes_pkey on public.notes',
        'index public.notes_owner_idx',
        'policy "Owners read their notes" on public.notes',
        'function public.note_count()',
        'trigger notes_touch on public.notes',
        'view public.note_bodies',
        'type public.mood',
        'trigger users_touch on auth.users',
      ]),
    );
    // The index behind the primary key is the constraint's: not listed apart.
    expect(keys).not.toContain('index public.notes_pkey');
    const body = left.find((o) => o.key === 'column public.notes.body')!;
    expect(body.facts).toEqual({ type: 'text', nullability: 'not null', default: "''::text" });
    expect(left.find((o) => o.key === 'trigger users_touch on auth.users')?.tracked).toBe(false);
    expect(left.find((o) => o.key === 'table public.notes')?.tracked).toBe(true);
  });

  it('a column, a default, a policy, a grant, a function body, an enum value: one difference each', async () => {
    expect(await differencesAfter('alter table public.notes drop column mood')).toEqual(['only-left column public.notes.mood']);
    expect(await differencesAfter('alter table public.notes alter column body drop default')).toEqual([
      "column public.notes.body: default: ''::text | null",
    ]);
    expect(await differencesAfter('drop policy "Owners read their notes" on public.notes')).toEqual([
      'only-left policy "Owners read their notes" on public.notes',
    ]);
    // TRUNCATE, REFERENCES, TRIGGER (and MAINTAIN on PostgreSQL 17+) stay granted in the current grant mode.
    const kept = `${kind === 'embedded' ? 'MAINTAIN, ' : ''}REFERENCES, SELECT, TRIGGER, TRUNCATE`;
    expect(await differencesAfter('grant insert on public.notes to authenticated')).toEqual([
      `table public.notes: grants to authenticated: ${kept} | INSERT, ${kept}`,
    ]);
    expect(
      await differencesAfter('create or replace function public.touch() returns trigger language plpgsql as $$ begin return old; end $$'),
    ).toEqual(['function public.touch(): body:  begin return new; end  |  begin return old; end ']);
    expect(await differencesAfter(`alter type public.mood add value 'away'`)).toEqual([
      "type public.mood: values: 'calm', 'busy' | 'calm', 'busy', 'away'",
    ]);
    expect(await differencesAfter('alter table public.notes alter column mood set not null')).toEqual([
      'column public.notes.mood: nullability: nullable | not null',
    ]);
    expect(await differencesAfter('alter table public.notes disable row level security')).toEqual([
      'table public.notes: row level security: enabled | disabled',
    ]);
  });

  it('a table on one side only is one difference, not one per column, index and policy', async () => {
    expect(await differencesAfter('drop view public.note_bodies; drop table public.notes')).toEqual([
      'only-left table public.notes',
      'only-left view public.note_bodies',
    ]);
    expect(await differencesAfter('create table public.extra (id int primary key)')).toEqual(['only-right table public.extra']);
  });
});
