/**
 * The generated database.py under asyncio against a local stand-in for PostgREST (the same one
 * the web tests use): hung requests neither stall the others nor outlive the time limit.
 */
import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleContext } from '../../src/render/context.js';
import { startSupabaseStandIn, type SupabaseStandIn } from '../templates/supabase-stand-in.js';
import { fixtureConfig, makeBackend, removeDir, venvPython } from './backend.js';

const DRIVER = path.join(path.dirname(fixtureConfig), 'stand_in_run.py');
/** The module's time limit, lowered for the run (the generated default is 10 s). */
const TIMEOUT_SECONDS = 4;
const SLACK_SECONDS = 2;

interface Timed {
  returned?: unknown;
  raised?: { type: string; table: string | null; operation: string | null; message: string };
  seconds: number;
}
interface Run {
  key: string;
  fast: Timed;
  hung: Timed[];
  failed: Timed;
  sync: { raised?: string; seconds: number };
  done: string[];
}

let python: string;
let standIn: SupabaseStandIn;
let backendDir: string;

beforeAll(async () => {
  python = await venvPython();
  standIn = await startSupabaseStandIn();
  // Settings that accept both key names, as a new project's src/config.py does.
  const config = (await readFile(fixtureConfig, 'utf8')).replace(
    'SUPABASE_SERVICE_ROLE_KEY: str',
    'SUPABASE_SECRET_KEY: str | None = None\n    SUPABASE_SERVICE_ROLE_KEY: str | None = None',
  );
  backendDir = await makeBackend(exampleContext(), config);
});

afterAll(async () => {
  await standIn?.close();
  if (backendDir) await removeDir(backendDir);
});

describe('database.py against a Supabase that hangs on some requests', () => {
  it('six hung calls do not stall a seventh; each fails within the time limit naming table and operation', async () => {
    const result = await execa(python, ['-B', DRIVER, String(TIMEOUT_SECONDS)], {
      cwd: backendDir,
      env: {
        PYTHONPATH: backendDir,
        SUPABASE_URL: standIn.url,
        SUPABASE_SECRET_KEY: 'sb_secret_x',
        SUPABASE_SERVICE_ROLE_KEY: 'legacy-service-role',
      },
      extendEnv: false,
      reject: false,
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    const run = JSON.parse(result.stdout) as Run;

    expect(run.key).toBe('sb_secret_x');
    // The fast call is answered while the six are still waiting.
    expect(run.fast.returned).toEqual({ id: 'job-1' });
    expect(run.done[0]).toBe('fast');
    expect(run.fast.seconds).toBeLessThan(TIMEOUT_SECONDS);
    expect(run.hung).toHaveLength(6);
    for (const hung of run.hung) {
      expect(hung.raised).toEqual({
        type: 'DatabaseError',
        table: 'jobs',
        operation: 'select',
        message: `select on table 'jobs' failed: no answer within ${TIMEOUT_SECONDS} s`,
      });
      expect(hung.seconds).toBeLessThan(TIMEOUT_SECONDS + SLACK_SECONDS);
    }
    expect(run.failed.raised).toEqual({
      type: 'DatabaseError',
      table: 'users',
      operation: 'update',
      message: `update on table 'users' failed: invalid input syntax for type uuid: "fail-1"`,
    });
    // The synchronous client (table()) has the same limit.
    expect(run.sync.raised).toBe('ReadTimeout');
    expect(run.sync.seconds).toBeLessThan(TIMEOUT_SECONDS + SLACK_SECONDS);
  }, 60_000);
});
