/**
 * On the embedded engine the pgTAP files share the grant mode's session, where pg_prove gives each
 * its own: what a file changes in the session (session user, role, search_path, settings) is put
 * back before the next.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPreparedEngine } from '../../src/db/engine-cache.js';
import type { EmbeddedSqlEngine } from '../../src/db/engine.js';
import { restoringSession } from '../../src/verify/phase-04/pgtap-run.js';
import { countingCalls } from '../helpers/engine-calls.js';

const SESSION = `select session_user::text as session, current_user::text as current,
  current_setting('search_path') as search_path, current_setting('statement_timeout') as statement_timeout`;

describe('restoringSession on the embedded engine', () => {
  let engine: EmbeddedSqlEngine;
  beforeAll(async () => {
    engine = (await openPreparedEngine('legacy')).engine;
    await engine.exec(`set statement_timeout = '7s'`);
  });
  afterAll(() => engine?.close());

  it('puts back what a file changed, in one request before it and one after', async () => {
    const before = await engine.query(SESSION);
    const calls: string[] = [];
    const counted = countingCalls(engine, calls);
    const result = await restoringSession(counted, async () => {
      await engine.exec(`set search_path = public; set statement_timeout = '1s'; set role authenticated`);
      return 'ran';
    });
    expect(result).toBe('ran');
    expect(await engine.query(SESSION)).toEqual(before);
    expect(before[0]).toMatchObject({ session: 'postgres', current: 'postgres', statement_timeout: '7s' });
    expect(calls).toEqual(['query', 'runSteps']);
  });

  it('puts the rest back when a step of the restore fails', async () => {
    // A superuser's setting of the session (set under the engine's login), which postgres may not
    // set again: its step of the restore fails; the settings after it (by name) still come back.
    await engine.exec(
      `set session authorization supabase_admin; set log_min_duration_statement = '5s'; set session authorization postgres`,
    );
    const before = await engine.query(SESSION);
    await restoringSession(engine, async () => {
      await engine.exec(`set search_path = public; set statement_timeout = '1s'`);
    });
    expect(await engine.query(SESSION)).toEqual(before);
    await expect(engine.exec(`set log_min_duration_statement = '5s'`)).rejects.toThrow(/permission denied/);
  });
});
