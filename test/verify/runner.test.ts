import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine, type EmbeddedSqlEngine } from '../../src/db/engine.js';
import { detectProject } from '../../src/detect/index.js';
import { phaseLayout } from '../../src/phase-04/layout.js';
import type { DatabaseProvider, OpenOptions } from '../../src/verify/database/session.js';
import { failed, passed, skipped } from '../../src/verify/outcome.js';
import type { CheckDefinition, DatabaseCheck, PhaseDefinition, RepoCheck } from '../../src/verify/phase.js';
import { repoTexts } from '../../src/verify/repo-texts.js';
import { MIGRATIONS_FOR_OWN_DATABASE, runChecks } from '../../src/verify/runner.js';
import type { CheckOutcome, GrantMode, RepoContext, VerifyOptions } from '../../src/verify/types.js';
import { removeTempDirs, tempDir } from './helpers/repo.js';

/** The runner's rules on a phase made for the test: its checks record what they see. */
let engine: EmbeddedSqlEngine;
let ctxBase: Omit<RepoContext, 'options'>;

beforeAll(async () => {
  engine = await createEmbeddedEngine();
  const root = await tempDir('runner');
  const facts = await detectProject(root);
  ctxBase = { root, facts, layout: phaseLayout(facts), texts: repoTexts() };
});

afterAll(async () => {
  await engine.close();
  await removeTempDirs();
});

function options(overrides: Partial<VerifyOptions> = {}): RepoContext {
  const base: VerifyOptions = {
    root: ctxBase.root,
    dbUrl: null,
    grants: ['legacy', 'current'],
    skip: [],
    strict: false,
    advisors: 'warn',
    python: null,
    ...overrides,
  };
  return { ...ctxBase, options: base };
}

/** Sessions on the one test engine; `failing` modes cannot be opened. */
function provider(failing: GrantMode[] = []): DatabaseProvider {
  return {
    async open(grants) {
      if (failing.includes(grants)) throw new Error('no space left on device');
      return { engine, grants, url: null, sharedEngine: false, close: async () => undefined };
    },
    close: async () => [],
  };
}

const dbCheck = (name: string, needs: string[], run: (mode: GrantMode) => CheckOutcome | Promise<CheckOutcome>): DatabaseCheck => ({
  scope: 'database',
  name,
  title: name,
  needs,
  run: async (_ctx, db) => run(db.grants),
});

const repoCheck = (name: string, run: () => Promise<CheckOutcome>, runsAlone = false): RepoCheck => ({
  scope: 'repo',
  name,
  title: name,
  runsAlone,
  run,
});

const phaseOf = (checks: CheckDefinition[]): PhaseDefinition => ({ id: '99', title: 'test', markerFile: '.m', checks });

describe('runChecks', () => {
  it('skips a database check whose need did not pass, per grant mode, and tags mode-specific findings', async () => {
    const phase = phaseOf([
      dbCheck('apply', [], (mode) => (mode === 'current' ? failed('permission denied', [{ message: 'jobs' }]) : passed())),
      dbCheck('inspect', ['apply'], () => passed()),
    ]);
    const results = await runChecks(phase, options(), provider());
    expect(results.map((r) => [r.name, r.status, r.reason])).toEqual([
      ['apply', 'fail', 'permission denied (current grants)'],
      ['inspect', 'pass', null],
    ]);
    expect(results[0]!.findings).toEqual([{ message: '[current grants] jobs' }]);
    expect(results[1]!.warnings).toEqual([{ message: 'skipped with current grants: needs apply, which did not pass' }]);
  });

  it('--skip of a needed check skips its dependants with that reason; --strict fails every skip', async () => {
    const phase = phaseOf([dbCheck('apply', [], () => passed()), dbCheck('inspect', ['apply'], () => passed())]);
    const lenient = await runChecks(phase, options({ skip: ['apply'] }), provider());
    expect(lenient.map((r) => [r.status, r.reason])).toEqual([
      ['skip', 'skipped by --skip'],
      ['skip', 'needs apply, which was skipped'],
    ]);
    const strict = await runChecks(phase, options({ skip: ['apply'], strict: true }), provider());
    expect(strict.map((r) => r.status)).toEqual(['fail', 'fail']);
  });

  it('a check that throws fails with the error instead of ending the run', async () => {
    const phase = phaseOf([
      repoCheck('explodes', async () => {
        throw new Error('disk on fire\nstack…');
      }),
      repoCheck('fine', async () => passed()),
    ]);
    const results = await runChecks(phase, options(), provider());
    expect(results.map((r) => [r.name, r.status, r.reason])).toEqual([
      ['explodes', 'fail', 'disk on fire'],
      ['fine', 'pass', null],
    ]);
  });

  it('a database that cannot be opened fails the first database check and skips the rest, in that mode only', async () => {
    const phase = phaseOf([dbCheck('apply', [], () => passed()), dbCheck('inspect', [], () => passed())]);
    const results = await runChecks(phase, options(), provider(['legacy']));
    expect(results.map((r) => [r.name, r.status, r.reason])).toEqual([
      ['apply', 'fail', 'cannot prepare the database: no space left on device (legacy grants)'],
      ['inspect', 'pass', null],
    ]);
    expect(results[1]!.warnings).toEqual([{ message: 'skipped with legacy grants: the database could not be prepared' }]);
  });

  it('opens a database of its own per grant mode for a repo with many migrations, a shared one otherwise', async () => {
    const opened: Array<[GrantMode, OpenOptions | undefined]> = [];
    const recording: DatabaseProvider = {
      async open(grants, openOptions) {
        opened.push([grants, openOptions]);
        return { engine, grants, url: null, sharedEngine: !openOptions?.ownDatabase, close: async () => undefined };
      },
      close: async () => [],
    };
    const phase = phaseOf([dbCheck('apply', [], () => passed())]);
    const migration = { name: '00001_one.sql', version: '00001' };
    const withMigrations = (count: number): RepoContext => {
      const ctx = options();
      const supabase = { ...ctx.facts.supabase, migrations: Array.from({ length: count }, () => migration) };
      return { ...ctx, facts: { ...ctx.facts, supabase } };
    };

    await runChecks(phase, withMigrations(MIGRATIONS_FOR_OWN_DATABASE - 1), recording);
    expect(opened.map(([, o]) => o?.ownDatabase)).toEqual([false, false]);
    opened.length = 0;
    await runChecks(phase, withMigrations(MIGRATIONS_FOR_OWN_DATABASE), recording);
    expect(opened.map(([, o]) => o?.ownDatabase)).toEqual([true, true]);

    // A provider that runs modes side by side only when each has a database of its own (the
    // embedded engine on a machine with a core per mode) is asked so, and does.
    const asked: boolean[] = [];
    let open = 0;
    let mostOpen = 0;
    const ownOnly: DatabaseProvider = {
      concurrentModes: async ({ ownDatabases }) => {
        asked.push(ownDatabases);
        return ownDatabases;
      },
      async open(grants, openOptions) {
        mostOpen = Math.max(mostOpen, ++open);
        await new Promise((resolve) => setTimeout(resolve, 10));
        return { engine, grants, url: null, sharedEngine: !openOptions?.ownDatabase, close: async () => void open-- };
      },
      close: async () => [],
    };
    await runChecks(phase, withMigrations(MIGRATIONS_FOR_OWN_DATABASE - 1), ownOnly);
    expect([asked, mostOpen]).toEqual([[false], 1]);
    await runChecks(phase, withMigrations(MIGRATIONS_FOR_OWN_DATABASE), ownOnly);
    expect([asked, mostOpen]).toEqual([[false, true], 2]);
  });

  it('runs the grant modes side by side on a provider that allows it, reporting them in mode order', async () => {
    const events: string[] = [];
    let open = 0;
    let mostOpen = 0;
    const sideBySide: DatabaseProvider = {
      concurrentModes: async () => true,
      async open(grants) {
        mostOpen = Math.max(mostOpen, ++open);
        events.push(`open ${grants}`);
        return {
          engine,
          grants,
          url: null,
          sharedEngine: false,
          close: async () => {
            open--;
            events.push(`close ${grants}`);
          },
        };
      },
      close: async () => [],
    };
    // The first mode finishes last: the merged report still names legacy first.
    const phase = phaseOf([
      dbCheck('apply', [], async (mode) => {
        if (mode === 'legacy') await new Promise((resolve) => setTimeout(resolve, 30));
        return failed(`refused in ${mode}`);
      }),
    ]);
    const results = await runChecks(phase, options(), sideBySide);
    expect(mostOpen).toBe(2);
    expect(events.slice(0, 2).sort()).toEqual(['open current', 'open legacy']);
    expect(events.slice(2)).toEqual(['close current', 'close legacy']);
    expect(results[0]!.reason).toBe('refused in legacy (legacy grants); refused in current (current grants)');

    // Without the provider's leave, one mode after the other.
    mostOpen = 0;
    await runChecks(phase, options(), { ...sideBySide, concurrentModes: async () => false });
    expect(mostOpen).toBe(1);
  });

  it('runs a check that must run alone after every other check finished', async () => {
    const events: string[] = [];
    const phase = phaseOf([
      repoCheck(
        'alone',
        async () => {
          events.push('alone');
          return passed();
        },
        true,
      ),
      repoCheck('slow', async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        events.push('slow');
        return passed();
      }),
      dbCheck('db', [], (mode) => {
        events.push(`db ${mode}`);
        return skipped('nothing to do');
      }),
    ]);
    const results = await runChecks(phase, options(), provider());
    expect(events.at(-1)).toBe('alone');
    expect(events.slice(0, -1).sort()).toEqual(['db current', 'db legacy', 'slow']);
    expect(results.map((r) => r.name)).toEqual(['alone', 'slow', 'db']);
    expect(results[2]).toMatchObject({ status: 'skip', reason: 'nothing to do' });
  });
});
