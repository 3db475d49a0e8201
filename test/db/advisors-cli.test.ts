/**
 * Our advisors against Supabase's own, on the same database: the Supabase CLI's
 * `supabase db advisors --db-url` (pinned in devDependencies; runs Supabase's linter without
 * Docker) and `runAdvisors`, over a corpus of bad schemas (./advisors-corpus) with at least one
 * instance of every lint and the cases where our earlier verdicts differed from Supabase's.
 *
 * Compared: every finding's lint name, level, categories, facing, remediation and object (the
 * linter's cache_key, which names the lint's object: table, policy, index, foreign key, function,
 * view, extension, role and command). Any finding one side has and the other has not fails.
 *
 * Not compared with the CLI, because CLI 2.117.0 does not run them (they exist in Supabase's
 * hosted linter only): public_bucket_allows_listing, pg_graphql_anon_table_exposed,
 * pg_graphql_authenticated_table_exposed, anon_security_definer_function_executable and
 * authenticated_security_definer_function_executable. They are checked here against the corpus
 * cases written for them instead. The pg_graphql lints cannot fire on this server: the pg_graphql
 * extension is not installable on a plain PostgreSQL, so their corpus has no instance.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADVISOR_CHECKS, ADVISOR_LINTS, runAdvisors, type AdvisorFinding } from '../../src/db/advisors.js';
import { openTestDatabase, type TestDatabase } from '../helpers/db-postgres.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.join(here, 'advisors-corpus');
const SUPABASE_CLI = path.resolve(here, '../../node_modules/.bin/supabase');

const NOT_IN_CLI = new Set<string>([
  'public_bucket_allows_listing',
  'pg_graphql_anon_table_exposed',
  'pg_graphql_authenticated_table_exposed',
  'anon_security_definer_function_executable',
  'authenticated_security_definer_function_executable',
]);
const NEEDS_PG_GRAPHQL = new Set<string>(['pg_graphql_anon_table_exposed', 'pg_graphql_authenticated_table_exposed']);

interface CliFinding {
  name: string;
  level: string;
  facing: string;
  categories: string[];
  remediation: string;
  cache_key: string;
}

/** One comparable line per finding. */
const lineOfCli = (f: CliFinding) => [f.name, f.level, f.categories.join('+'), f.facing, f.remediation, f.cache_key].join(' | ');
const lineOfOurs = (f: AdvisorFinding) =>
  [f.check, f.level, f.categories.join('+'), ADVISOR_LINTS[f.check].facing, f.remediation, f.cacheKey].join(' | ');

/**
 * A `to public` policy counts for every role of the server (the roles are cluster-wide): a role
 * another test creates or drops while the two linters run would show on one side only, so
 * per-role findings are compared for roles that existed throughout.
 */
async function roleNames(db: TestDatabase): Promise<Set<string>> {
  const rows = await db.engine.query<{ rolname: string }>(`select rolname::text as rolname from pg_catalog.pg_roles`);
  return new Set(rows.map((r) => r.rolname));
}

describe('advisors against `supabase db advisors` (CLI 2.117.0) on the bad-schema corpus', () => {
  let db: TestDatabase;
  let ours: AdvisorFinding[];
  let theirs: CliFinding[];
  let stableRoles: Set<string>;

  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    for (const file of (await readdir(CORPUS)).filter((f) => f.endsWith('.sql')).sort()) {
      await db.engine.exec(await readFile(path.join(CORPUS, file), 'utf8'));
    }
    const before = await roleNames(db);
    const url = new URL(db.url!);
    url.searchParams.set('sslmode', 'disable');
    const cli = await execa(SUPABASE_CLI, ['db', 'advisors', '--db-url', url.toString(), '--level', 'info', '-o', 'json'], {
      cwd: CORPUS,
      env: { SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
    });
    theirs = JSON.parse(cli.stdout) as CliFinding[];
    ours = await runAdvisors(db.engine);
    const after = await roleNames(db);
    stableRoles = new Set([...before].filter((r) => after.has(r)));
  }, 120_000);
  afterAll(() => db?.dispose());

  const perRoleOnStableRoles = (cacheKey: string): boolean => {
    const command = /^multiple_permissive_policies_.*_(SELECT|INSERT|UPDATE|DELETE)$/.exec(cacheKey)?.[1];
    return command === undefined || [...stableRoles].some((role) => cacheKey.endsWith(`_${role}_${command}`));
  };

  it('finds exactly what the CLI finds, lint by lint, at the same levels', () => {
    const cliLines = theirs
      .filter((f) => perRoleOnStableRoles(f.cache_key))
      .map(lineOfCli)
      .sort();
    const ourLines = ours
      .filter((f) => !NOT_IN_CLI.has(f.check) && perRoleOnStableRoles(f.cacheKey))
      .map(lineOfOurs)
      .sort();
    expect(ourLines).toEqual(cliLines);
  });

  it('has an instance of every lint the CLI runs', () => {
    const found = new Set(theirs.map((f) => f.name));
    expect(ADVISOR_CHECKS.filter((c) => !NOT_IN_CLI.has(c) && !found.has(c))).toEqual([]);
  });

  it('agrees on the cases our earlier lints decided otherwise', () => {
    const keys = new Set(theirs.map((f) => f.cache_key));
    // A composite foreign key indexed in the other column order is unindexed; in order, covered.
    expect(keys).toContain('unindexed_foreign_keys_public_child_reversed_child_reversed_a_b_fkey');
    expect([...keys].some((k) => k.startsWith('unindexed_foreign_keys_public_child_covered'))).toBe(false);
    // A security-definer view no API role can select is no finding.
    expect(keys).not.toContain('security_definer_view_public_private_definer_view');
    // A table without RLS that no API role can reach is no finding.
    expect(keys).not.toContain('rls_disabled_in_public_public_unreachable');
    // `to public` policies are reported per role.
    expect(keys).toContain('multiple_permissive_policies_public_shared_anon_UPDATE');
    expect(keys).toContain('multiple_permissive_policies_public_shared_authenticated_UPDATE');
    // Unindexed foreign keys are INFO.
    expect(theirs.filter((f) => f.name === 'unindexed_foreign_keys').map((f) => f.level)).toEqual(['INFO', 'INFO']);
  });

  it('reports the lints the CLI does not run on their corpus cases', async () => {
    const keysOf = (check: string) => ours.filter((f) => f.check === check).map((f) => f.cacheKey);
    expect(keysOf('public_bucket_allows_listing')).toEqual(['public_bucket_allows_listing_avatars']);
    expect(keysOf('anon_security_definer_function_executable')).toEqual(['anon_security_definer_function_executable_public_definer_fn_']);
    expect(keysOf('authenticated_security_definer_function_executable').sort()).toEqual([
      'authenticated_security_definer_function_executable_public_definer_fn_',
      'authenticated_security_definer_function_executable_public_definer_for_users_',
    ]);
    // pg_graphql is not available on this server: its lints have nothing to report.
    const graphql = await db.engine.query(`select 1 from pg_catalog.pg_available_extensions where name = 'pg_graphql'`);
    expect(graphql).toEqual([]);
    for (const check of NEEDS_PG_GRAPHQL) expect(keysOf(check)).toEqual([]);
  });
});
