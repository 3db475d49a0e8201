/**
 * The verify advisors check's verdict: findings on the phase's objects decide it at Supabase's
 * levels; the repo's own are listed and counted, and fail only with `--advisors all`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/db/apply-migrations.js';
import { inRolledBackTransaction } from '../../src/db/standin.js';
import type { DatabaseSession } from '../../src/verify/database/session.js';
import { advisorsCheck } from '../../src/verify/phase-04/advisors-check.js';
import type { AdvisorThreshold, RepoContext } from '../../src/verify/types.js';
import type { TestDatabase } from '../helpers/db-postgres.js';
import { renderSchema } from '../helpers/db-schema.js';
import { openStandInDatabase } from '../helpers/db-standin.js';

/** The repo's own objects, each with a finding at a different level. */
const REPO_OWN = `
  create function public.repo_helper() returns int language sql as $$ select 1 $$;             -- WARN
  create table public.repo_log (id int primary key, user_id uuid references public.users (id)); -- INFO, unindexed fk
  alter table public.repo_log enable row level security;
  create policy repo_log_read on public.repo_log for select to authenticated using (true);
  create table public.repo_open (id int primary key);                                           -- ERROR once granted
  grant select on public.repo_open to anon;
`;

let db: TestDatabase;
beforeAll(async () => {
  db = await openStandInDatabase('embedded', 'current');
  const schema = await renderSchema();
  await applyMigrations(db.engine, [...schema.migrations, schema.seed]);
});
afterAll(() => db.dispose());

function run(sql: string, advisors: AdvisorThreshold) {
  const ctx = { options: { advisors } } as unknown as RepoContext;
  const session = { engine: db.engine, grants: 'current', url: null, sharedEngine: false, close: async () => {} } as DatabaseSession;
  return inRolledBackTransaction(db.engine, async () => {
    await db.engine.exec(sql);
    return advisorsCheck.run(ctx, session);
  });
}

describe('advisors verdict', () => {
  it('passes the generated schema with nothing listed', async () => {
    expect(await run('', 'warn')).toEqual({ status: 'pass', warnings: [] });
  });

  it("lists the repo's own findings at their levels without failing, and counts them", async () => {
    const outcome = await run(REPO_OWN, 'warn');
    expect(outcome.status).toBe('pass');
    const messages = outcome.warnings.map((w) => w.message);
    expect(messages[0]).toBe(
      "3 advisor findings on the repo's own objects (1 ERROR, 1 WARN, 1 INFO): reported, failing only with --advisors all",
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^function_search_path_mutable \(warn\) on public\.repo_helper\(\) \(the repo's own object\): /),
        expect.stringMatching(
          /^unindexed_foreign_keys \(info\) on public\.repo_log foreign key repo_log_user_id_fkey \(the repo's own object\): /,
        ),
        expect.stringMatching(/^rls_disabled_in_public \(error\) on public\.repo_open \(the repo's own object\): /),
      ]),
    );
  });

  it("groups the repo's own findings by lint and level, for the human report to fold; the phase's stand alone", async () => {
    const outcome = await run(`${REPO_OWN} alter function public.update_updated_at() reset search_path;`, 'warn');
    expect(outcome.status).toBe('fail');
    const groups = [...outcome.warnings, ...(outcome.status === 'fail' ? outcome.findings : [])].map((f) => [
      f.message.split(' ')[0],
      f.group,
    ]);
    expect(groups).toEqual(
      expect.arrayContaining([
        ['function_search_path_mutable', "function_search_path_mutable (warn) on the repo's own objects"],
        ['unindexed_foreign_keys', "unindexed_foreign_keys (info) on the repo's own objects"],
        ['rls_disabled_in_public', "rls_disabled_in_public (error) on the repo's own objects"],
        // public.update_updated_at(), the phase's
        ['function_search_path_mutable', undefined],
      ]),
    );
    expect(outcome.warnings[0]!.group).toBeUndefined(); // the count
  });

  it("fails on the repo's own WARN and ERROR findings with --advisors all, never on INFO", async () => {
    const outcome = await run(REPO_OWN, 'all');
    expect(outcome).toMatchObject({ status: 'fail', summary: '2 advisor findings' });
    if (outcome.status !== 'fail') return;
    expect(outcome.findings.map((f) => f.message.split(' ')[0])).toEqual(['function_search_path_mutable', 'rls_disabled_in_public']);
    expect(outcome.warnings.map((w) => w.message.split(' ')[0])).toEqual(['unindexed_foreign_keys']);
  });

  it("fails on a WARN finding on the phase's objects, and with --advisors error only on ERROR", async () => {
    const phaseWarn = `create policy jobs_again on public.jobs for select to authenticated using (user_id = auth.uid());`;
    const warn = await run(phaseWarn, 'warn');
    expect(warn).toMatchObject({ status: 'fail', summary: "2 advisor findings on the phase's objects" });
    if (warn.status !== 'fail') return;
    expect(warn.findings.map((f) => f.message.split(' ')[0]).sort()).toEqual(['auth_rls_initplan', 'multiple_permissive_policies']);
    expect(await run(phaseWarn, 'error')).toMatchObject({ status: 'pass' });
    expect(await run(`alter table public.jobs disable row level security;`, 'error')).toMatchObject({
      status: 'fail',
      summary: "2 advisor findings at level ERROR on the phase's objects", // rls_disabled_in_public, policy_exists_rls_disabled
    });
  });

  it("counts a finding on a function a phase trigger calls as the phase's", async () => {
    const outcome = await run(`alter function public.update_updated_at() reset search_path;`, 'warn');
    expect(outcome).toMatchObject({
      status: 'fail',
      findings: [{ message: expect.stringMatching(/^function_search_path_mutable \(warn\) on public\.update_updated_at\(\): /) }],
    });
  });
});
