import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlEngine } from '../../src/db/engine.js';
import { introspectSchema } from '../../src/types-gen/introspect.js';
import type { SchemaModel } from '../../src/types-gen/model.js';
import { viewColumnSources } from '../../src/types-gen/view-sources.js';
import { engineWith } from './support/embedded.js';

const SQL = `
create table public.teams (id int primary key, name text);
create table public.members (
  id int primary key,
  team_id int references public.teams(id),
  "Owner Team" int references public.teams(id)
);
-- renamed key column, an expression, and a subquery that also selects team_id
create view public.member_list as
  select m.id, m.team_id as squad, m."Owner Team", m.id + 1 as next_id
  from public.members m
  where exists (select team_id from public.members m2 where m2.id = m.id);
-- a view of a view
create view public.squads as select squad from public.member_list;
-- a union: its columns do not come from one table
create view public.all_ids as select id from public.teams union select id from public.members;
`;

describe('views in relationships', () => {
  let engine: SqlEngine;
  let model: SchemaModel;
  beforeAll(async () => {
    engine = await engineWith(SQL);
    model = await introspectSchema(engine);
  });
  afterAll(async () => {
    await engine.close();
  });

  const relationshipsOf = (name: string) =>
    [...model.tables, ...model.views]
      .find((r) => r.name === name)
      ?.relationships.map(
        (r) => `${r.foreignKeyName}: ${r.columns.join(',')} -> ${r.referencedRelation}(${r.referencedColumns.join(',')})`,
      );

  it('follows renamed and quoted columns of a view', () => {
    expect(relationshipsOf('member_list')).toEqual([
      'members_Owner Team_fkey: Owner Team -> teams(id)',
      'members_team_id_fkey: squad -> teams(id)',
    ]);
  });

  it('follows a view of a view down to the table', () => {
    expect(relationshipsOf('squads')).toEqual(['members_team_id_fkey: squad -> teams(id)']);
  });

  it('gives nothing for columns that are not plain column references', () => {
    expect(relationshipsOf('all_ids')).toEqual([]);
  });

  it('reads only the top-level target list of the stored query tree', async () => {
    const [row] = await engine.query<{ tree: string }>(
      `select ev_action::text as tree from pg_rewrite where ev_class = 'public.member_list'::regclass`,
    );
    const sources = viewColumnSources(row?.tree ?? '');
    expect(sources.map((s) => [s.column, s.attnum])).toEqual([
      ['id', 1],
      ['squad', 2],
      ['Owner Team', 3],
    ]);
  });
});
