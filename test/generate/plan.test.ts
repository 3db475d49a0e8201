import { describe, expect, it } from 'vitest';
import type { ProjectFacts } from '../../src/detect/facts.js';
import { facts } from '../helpers/facts.js';
import { listArtifacts } from '../../src/phase-04/artifacts.js';
import { phaseLayout } from '../../src/phase-04/layout.js';
import { nextMigrationVersions } from '../../src/plan/migration-versions.js';
import { buildPlan, overwriteConflict, type PlanInput } from '../../src/plan/plan.js';

const inventory = {
  migrations: ['01_initial_schema.sql.hbs', '02_rls_policies.sql.hbs'],
  dbTests: ['rls.sql.hbs'],
  webLib: ['client.ts.hbs', 'server.ts.hbs', 'session.ts.hbs'],
};

function input(f: ProjectFacts, existing: Record<string, string> = {}, options = { force: false, append: false }): PlanInput {
  const layout = phaseLayout(f);
  const artifacts = listArtifacts(layout, inventory, ['00001', '00002'], 'module');
  return {
    facts: f,
    layout,
    options,
    rendered: artifacts.map((artifact) => ({ artifact, content: `content of ${artifact.path}\n` })),
    types: null,
    dependencyEdits: [],
    existing: new Map(Object.entries(existing)),
  };
}

const statusOf = (plan: ReturnType<typeof buildPlan>, path: string) => plan.files.find((f) => f.path === path)?.status;

describe('listArtifacts + phaseLayout', () => {
  it('maps templates to the spec paths for Next 16 (proxy)', () => {
    const paths = listArtifacts(phaseLayout(facts()), inventory, ['00001', '00002'], 'module').map((a) => a.path);
    expect(paths).toEqual([
      'supabase/migrations/00001_initial_schema.sql',
      'supabase/migrations/00002_rls_policies.sql',
      'supabase/seed.sql',
      'supabase/tests/database/rls.sql',
      'apps/web/lib/supabase/admin.ts',
      'apps/web/lib/supabase/client.ts',
      'apps/web/lib/supabase/config.ts',
      'apps/web/lib/supabase/server.ts',
      'apps/web/lib/supabase/proxy.ts',
      'apps/web/proxy.ts',
      'packages/backend/src/database.py',
    ]);
  });

  it("renders admin and config from the templates of the app's env kind, the other modules from one template", () => {
    const webTemplates = (envKind: 'module' | 'process') =>
      listArtifacts(phaseLayout(facts()), inventory, ['00001', '00002'], envKind)
        .filter((a) => a.path.startsWith('apps/web/lib/'))
        .map((a) => a.template);
    expect(webTemplates('module')).toEqual([
      'web/lib/supabase/env-module/admin.ts.hbs',
      'web/lib/supabase/client.ts.hbs',
      'web/lib/supabase/env-module/config.ts.hbs',
      'web/lib/supabase/server.ts.hbs',
      'web/lib/supabase/session.ts.hbs',
    ]);
    expect(webTemplates('process')).toEqual([
      'web/lib/supabase/env-process/admin.ts.hbs',
      'web/lib/supabase/client.ts.hbs',
      'web/lib/supabase/env-process/config.ts.hbs',
      'web/lib/supabase/server.ts.hbs',
      'web/lib/supabase/session.ts.hbs',
    ]);
  });

  it('uses middleware on Next 15 and src/ for a src/app layout', () => {
    const layout = phaseLayout(facts({ backend: null }, { dir: '', codeDir: 'src', usesSrcDir: true, nextMajor: 15 }));
    expect(layout.rootSessionFile).toBe('src/middleware.ts');
    expect(layout.webFiles).toContain('src/lib/supabase/middleware.ts');
    expect(layout.backendFile).toBeNull();
    expect(layout.typesFile).toBe('src/lib/supabase/database.types.ts');
  });
});

describe('buildPlan', () => {
  it('creates everything in an empty repo', () => {
    const plan = buildPlan(input(facts()));
    expect(new Set(plan.files.map((f) => f.status))).toEqual(new Set(['create']));
  });

  it('reports identical files as unchanged, ignoring line endings', () => {
    const plan = buildPlan(input(facts(), { 'supabase/seed.sql': 'content of supabase/seed.sql\r\n' }));
    expect(statusOf(plan, 'supabase/seed.sql')).toBe('unchanged');
  });

  it('leaves a differing file as a conflict, and --force overwrites it', () => {
    const existing = { 'supabase/seed.sql': '-- mine\n' };
    expect(statusOf(buildPlan(input(facts(), existing)), 'supabase/seed.sql')).toBe('conflict');
    const forced = buildPlan(input(facts(), existing, { force: true, append: false }));
    expect(statusOf(forced, 'supabase/seed.sql')).toBe('overwrite');
  });

  it('never overwrites an existing migration, --force included', () => {
    const existing = { 'supabase/migrations/00001_initial_schema.sql': 'mine' };
    const plan = buildPlan(input(facts(), existing, { force: true, append: true }));
    const file = plan.files.find((p) => p.path === 'supabase/migrations/00001_initial_schema.sql');
    expect(file).toMatchObject({ status: 'conflict', forceable: false });
    expect(overwriteConflict(plan, file!.path).files.find((p) => p.path === file!.path)?.status).toBe('conflict');
  });

  it('skips the migrations when supabase/migrations holds any .sql, unless appending', () => {
    const f = facts({}, {}, { migrationsDir: 'directory', migrations: [{ name: '00001_x.sql', version: '00001' }], naming: 'sequential' });
    const plan = buildPlan(input(f));
    expect(plan.files.filter((p) => p.group === 'migrations').map((p) => p.status)).toEqual(['skip', 'skip']);
    expect(plan.files.find((p) => p.group === 'migrations')?.reason).toMatch(/already holds 1 migration file\(s\); pass --append/);
    expect(
      buildPlan(input(f, {}, { force: false, append: true }))
        .files.filter((p) => p.group === 'migrations')
        .map((p) => p.status),
    ).toEqual(['create', 'create']);
  });

  it("skips seed and db tests with skipped migrations; the phase's own earlier migrations skip nothing else, with no --append hint", () => {
    const own = facts(
      {},
      {},
      { migrationsDir: 'directory', migrations: [{ name: '00001_x.sql', version: '00001' }], naming: 'sequential' },
    );
    const skipped = buildPlan(input(own)).files.filter((p) => p.group === 'seed' || p.group === 'db-tests');
    expect(skipped.map((p) => p.status)).toEqual(['skip', 'skip']);
    expect(skipped[0]?.reason).toMatch(/needs the phase's migrations, which are not added \(.*pass --append/);
    const ours = facts(
      {},
      {},
      {
        migrationsDir: 'directory',
        migrations: [
          { name: '00001_initial_schema.sql', version: '00001' },
          { name: '00002_rls_policies.sql', version: '00002' },
        ],
        naming: 'sequential',
      },
    );
    const plan = buildPlan(input(ours));
    expect(plan.files.find((p) => p.group === 'migrations')?.reason).toMatch(
      /^the phase's migrations are already in supabase\/migrations\/ \(00001_initial_schema\.sql, 00002_rls_policies\.sql\)/,
    );
    expect(plan.files.map((p) => p.reason).join('\n')).not.toMatch(/--append/);
    expect(statusOf(plan, 'supabase/seed.sql')).toBe('create');
  });

  it('skips the web client files when lib/supabase exists', () => {
    const plan = buildPlan(input(facts({}, { hasSupabaseLib: true })));
    const web = plan.files.filter((p) => p.group === 'web');
    expect(web.length).toBe(6);
    expect(web.every((p) => p.status === 'skip' && /lib\/supabase\/ already exists/.test(p.reason))).toBe(true);
  });

  it('never produces both proxy.ts and middleware.ts', () => {
    const plan = buildPlan(input(facts({}, { middlewareFile: 'apps/web/middleware.ts' })));
    const root = plan.files.find((p) => p.path === 'apps/web/proxy.ts');
    expect(root).toMatchObject({ status: 'conflict', forceable: false });
    expect(root?.advice?.join('\n')).toContain("import { updateSession } from './lib/supabase/proxy';");
    const forced = buildPlan(input(facts({}, { middlewareFile: 'apps/web/middleware.ts' }), {}, { force: true, append: false }));
    expect(statusOf(forced, 'apps/web/proxy.ts')).toBe('conflict');
  });

  it('says where the module goes in a Python backend found outside packages/backend, and where its config.py is missing', () => {
    const found = {
      dir: 'api',
      source: 'found' as const,
      hasPyproject: false,
      hasRequirements: true,
      hasConfig: false,
      dependsOnSupabase: false,
    };
    const plan = buildPlan(input(facts({ backend: found })));
    expect(plan.notes).toContain(
      'Python backend found in api: the database module goes to api/src/database.py (--backend-dir <dir> for another, --no-backend for none)',
    );
    expect(plan.notes.join('\n')).toMatch(/^api\/src\/config\.py is missing: api\/src\/database\.py imports `settings` from it/m);
    const atRoot = buildPlan(input(facts({ backend: { ...found, dir: '' } })));
    expect(atRoot.notes.join('\n')).toMatch(/^Python backend found in \.: the database module goes to src\/database\.py/m);
    expect(atRoot.notes.join('\n')).toMatch(/^src\/config\.py is missing/m);
    expect(buildPlan(input(facts())).notes.join('\n')).not.toMatch(/Python backend found/);
  });

  it('notes a [db.seed] that does not load seed.sql and files the CLI ignores', () => {
    const plan = buildPlan(input(facts({}, {}, { seedPaths: ['./other.sql'], ignoredMigrationFiles: ['notes.sql'] })));
    expect(plan.notes.join('\n')).toMatch(/sql_paths \(\.\/other\.sql\) does not include seed\.sql/);
    expect(plan.notes.join('\n')).toMatch(/notes\.sql does not match/);
  });

  it('tells the user to run supabase init when config.toml is missing', () => {
    expect(buildPlan(input(facts({}, {}, { hasConfigToml: false }))).nextSteps[0]).toMatch(/^supabase init/);
  });
});

describe('nextMigrationVersions', () => {
  const now = new Date('2026-11-25T10:20:30.456Z');
  it('numbers sequentially after the existing ones, keeping their width', () => {
    expect(nextMigrationVersions([], 'sequential', 2, now)).toEqual(['00001', '00002']);
    expect(
      nextMigrationVersions(
        [
          { name: '00007_a.sql', version: '00007' },
          { name: '00012_b.sql', version: '00012' },
        ],
        'sequential',
        2,
        now,
      ),
    ).toEqual(['00013', '00014']);
    expect(nextMigrationVersions([{ name: '0009_a.sql', version: '0009' }], 'sequential', 1, now)).toEqual(['0010']);
  });
  it('uses UTC timestamps strictly after the newest existing version', () => {
    expect(nextMigrationVersions([], 'timestamp', 2, now)).toEqual(['20261125102030', '20261125102031']);
    const future = [{ name: '20301231235959_x.sql', version: '20301231235959' }];
    expect(nextMigrationVersions(future, 'timestamp', 2, now)).toEqual(['20310101000000', '20310101000001']);
  });

  const m = (...names: string[]) => names.map((name) => ({ name, version: /^\d+/.exec(name)![0] }));
  const sortsAfterAll = (existing: string[], versions: string[]) => {
    for (const v of versions) {
      expect(v).toMatch(/^[0-9]+$/);
      for (const e of existing) expect(v > e, `${v} > ${e}`).toBe(true);
    }
    expect([...versions].sort()).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  };

  it("keeps the repo's width when that still sorts after: 0001_ → 0002_, 1_ → 2_", () => {
    expect(nextMigrationVersions(m('0001_init.sql'), 'sequential', 2, now)).toEqual(['0002', '0003']);
    expect(nextMigrationVersions(m('1_init.sql'), 'sequential', 2, now)).toEqual(['2', '3']);
    const mixed = m('1_init.sql', '00003_b.sql');
    sortsAfterAll(['1', '00003'], nextMigrationVersions(mixed, 'sequential', 2, now));
  });

  it('after the widest number of its width, appends digits so the string still sorts after', () => {
    expect(nextMigrationVersions(m('99999_last.sql'), 'sequential', 2, now)).toEqual(['999991', '999992']);
    expect(nextMigrationVersions(m('9_last.sql'), 'sequential', 2, now)).toEqual(['91', '92']);
    const ten = nextMigrationVersions(m('99998_last.sql'), 'sequential', 10, now);
    sortsAfterAll(['99998'], ten);
  });

  it('a timestamp stays a valid 14-digit timestamp, or the run is refused with the reason', () => {
    expect(() => nextMigrationVersions(m('99991231235959_end.sql'), 'timestamp', 2, now)).toThrow(
      /no valid 14-digit timestamp sorts after 99991231235959/,
    );
    sortsAfterAll(['20301231235959'], nextMigrationVersions(m('20301231235959_x.sql'), 'timestamp', 2, now));
  });
});
