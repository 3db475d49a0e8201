import { describe, expect, it } from 'vitest';
import { readConfigToml } from '../../src/detect/supabase-dir.js';
import { PROJECT_TEMPLATES_DIR } from '../../src/phase-04/project-scaffold.js';
import {
  PLACEHOLDER_TIER,
  phaseOwnTypesModel,
  renderPhaseMigrations,
  substituteTiers,
  TYPES_MODEL_SCHEMAS,
} from '../../src/phase-04/types-model.js';
import { exampleContext } from '../../src/render/context.js';
import { renderTemplate } from '../../src/render/render.js';
import { introspectMigrations, typesForMigrations } from '../../src/types-gen/from-migrations.js';
import { renderDatabaseTypes } from '../../src/types-gen/render.js';
import { typeSchemas } from '../../src/types-gen/schema-list.js';

const SIXTEEN = Array.from({ length: 16 }, (_, i) => `tier_${String.fromCharCode(122 - i)}${i}`);
const TIER_LISTS: readonly (readonly string[])[] = [
  ['free'],
  ['free', 'pro', 'studio', 'enterprise'],
  SIXTEEN,
  // Odd but valid names: keywords, names that sort before or after the others, digits, underscores, 32 characters.
  ['null', 'true', 'select', 'constructor'],
  ['zeta', 'a', 'a_', 'a1', 'b__c'],
  ['x'.repeat(32), 'tier_with_many_underscores_12345'],
  ['enterprise', 'free'],
  ['undefined', 'prototype', '__proto__'.replace(/^_+/, 'p')],
];

/** The two ways the phase names its files: timestamps, or a sequence like the repo's. */
const NAMINGS = {
  timestamp: (i: number) => `2025010100000${i}_phase.sql`,
  sequential: (i: number) => `${String(i + 1).padStart(5, '0')}_phase.sql`,
} as const;

describe("the phase's own migrations: types without the engine", () => {
  it.each(TIER_LISTS.map((tiers) => [tiers.join(', '), tiers] as const))(
    'tiers %s: the same model and bytes as the engine',
    async (_, tiers) => {
      const rendered = await renderPhaseMigrations(tiers);
      for (const naming of Object.values(NAMINGS)) {
        const migrations = rendered.map((sql, i) => ({ name: naming(i), sql }));
        const known = await phaseOwnTypesModel(migrations);
        expect(known, 'dist/phase-04-types-model.json is missing or stale: run npm run build').not.toBeNull();
        const introspected = await introspectMigrations(migrations);
        expect(known).toEqual(introspected);
        for (const literalUnions of [true, false]) {
          const engine = renderDatabaseTypes(introspected, { literalUnions });
          expect(renderDatabaseTypes(known!, { literalUnions })).toBe(engine);
          expect(await typesForMigrations(migrations, { literalUnions })).toBe(engine);
        }
        // Only exact migrations take the short way.
        expect(await phaseOwnTypesModel([...migrations, { name: 'z.sql', sql: 'select 1;' }])).toBeNull();
      }
    },
  );

  it("knows the schemas a new project's config.toml exposes: the same model and bytes as the engine", async () => {
    const config = await renderTemplate(`${PROJECT_TEMPLATES_DIR}/supabase/config.toml.hbs`, exampleContext());
    const exposed = typeSchemas(readConfigToml(config).apiSchemas);
    // The snapshot is introspected for exactly these: a change to either must change the other.
    expect([...exposed].sort()).toEqual([...TYPES_MODEL_SCHEMAS].sort());

    const migrations = (await renderPhaseMigrations(['free', 'pro'])).map((sql, i) => ({ name: NAMINGS.timestamp(i), sql }));
    for (const schemas of [exposed, ['graphql_public'], [...exposed].reverse()]) {
      const known = await phaseOwnTypesModel(migrations, schemas);
      expect(known, `${schemas.join(', ')}: dist/phase-04-types-model.json is missing or stale: run npm run build`).not.toBeNull();
      const introspected = await introspectMigrations(migrations, schemas);
      expect(known).toEqual(introspected);
      const engine = renderDatabaseTypes(introspected, { literalUnions: true });
      expect(await typesForMigrations(migrations, { literalUnions: true, schemas })).toBe(engine);
    }
    expect(renderDatabaseTypes((await phaseOwnTypesModel(migrations, exposed))!, { literalUnions: false })).toContain(
      '\n  graphql_public: {\n',
    );
    // A schema the snapshot was not introspected for is the engine's to type.
    expect(await phaseOwnTypesModel(migrations, ['public', 'api'])).toBeNull();
  });

  it('leaves to the engine what is not byte for byte the rendered migrations', async () => {
    const rendered = await renderPhaseMigrations(['free', 'pro']);
    const edited = rendered.map((sql, i) => ({ name: `${i}.sql`, sql: i === 1 ? `${sql}\n-- edited\n` : sql }));
    expect(await phaseOwnTypesModel(edited)).toBeNull();
    expect(await phaseOwnTypesModel(rendered.slice(0, 1).map((sql) => ({ name: 'a.sql', sql })))).toBeNull();
    expect(
      await phaseOwnTypesModel([
        { name: 'b.sql', sql: rendered[1]! },
        { name: 'a.sql', sql: rendered[0]! },
      ]),
    ).toBeNull();
    expect(await phaseOwnTypesModel([])).toBeNull();
  });

  it('refuses a snapshot where the placeholder shows outside a value list or the default', () => {
    const model = {
      schemas: [
        { schema: 'public', tables: [], views: [], functions: [], enums: [{ name: PLACEHOLDER_TIER, values: ['a'] }], compositeTypes: [] },
      ],
    };
    expect(substituteTiers(model, ['free'])).toBeNull();
  });
});
