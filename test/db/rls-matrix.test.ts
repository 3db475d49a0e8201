import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/db/apply-migrations.js';
import type { SqlEngine } from '../../src/db/engine.js';
import {
  expectedMatrixOutcome,
  FIXTURE_CASE,
  matrixCases,
  MATRIX_ACTORS,
  MATRIX_OPERATIONS,
  ruleCases,
  runRlsMatrix,
  type RlsCaseResult,
} from '../../src/phase-04/rls-matrix.js';
import { PHASE_TABLES } from '../../src/phase-04/spec.js';
import type { GrantMode } from '../../src/emulation/install.js';
import type { EngineKind, TestDatabase } from '../helpers/db-postgres.js';
import { renderSchema } from '../helpers/db-schema.js';
import { ENGINE_GRANT_CASES, openStandInDatabase } from '../helpers/db-standin.js';

async function migrated(kind: EngineKind, grants: GrantMode): Promise<TestDatabase> {
  const db = await openStandInDatabase(kind, grants);
  await applyMigrations(db.engine, (await renderSchema()).migrations);
  return db;
}

const failures = (results: readonly RlsCaseResult[]) =>
  results.filter((r) => !r.pass).map((r) => `${r.name}: expected ${r.expected}, got ${r.actual}${r.detail ? ` (${r.detail})` : ''}`);

describe('the matrix itself', () => {
  it('covers 4 actors × 5 tables × 4 operations', () => {
    const names = matrixCases().map((c) => c.name);
    expect(new Set(names).size).toBe(MATRIX_ACTORS.length * PHASE_TABLES.length * MATRIX_OPERATIONS.length);
    expect(names).toContain('user B update users');
  });

  it('expects anon to be refused everywhere and service_role to reach every row', () => {
    for (const table of PHASE_TABLES) {
      for (const op of MATRIX_OPERATIONS) {
        expect(expectedMatrixOutcome('anon', table, op)).toBe('error 42501');
        expect(expectedMatrixOutcome('service_role', table, op)).toBe(op === 'insert' ? 'rows: A' : 'rows: A,B');
      }
    }
    expect(expectedMatrixOutcome('user A', 'jobs', 'insert')).toBe('rows: A');
    expect(expectedMatrixOutcome('user B', 'jobs', 'insert')).toBe('error 42501');
    expect(expectedMatrixOutcome('user B', 'users', 'update')).toBe('rows: B');
    expect(expectedMatrixOutcome('user A', 'subscriptions', 'update')).toBe('error 42501');
  });
});

describe.each(ENGINE_GRANT_CASES)('RLS matrix on $kind, $grants grant defaults', ({ kind, grants }) => {
  let db: TestDatabase;
  let results: RlsCaseResult[];
  beforeAll(async () => {
    db = await migrated(kind, grants);
    results = await runRlsMatrix(db.engine);
  });
  afterAll(() => db.dispose());

  it('runs every case', () => {
    expect(results.map((r) => r.name)).toEqual([...matrixCases(), ...ruleCases()].map((c) => c.name));
  });

  it('gets the expected outcome in every case', () => {
    expect(failures(results)).toEqual([]);
  });

  it('leaves nothing behind and the session as it was', async () => {
    const [row] = await db.engine.query<{ users: number; role: string; claims: string | null }>(
      `select (select count(*) from auth.users where email like 'rls-%@example.test')::int as users,
              current_user::text as role, nullif(current_setting('request.jwt.claims', true), '') as claims`,
    );
    expect(row).toEqual({ users: 0, role: 'postgres', claims: null });
  });
});

describe('the matrix catches the draft schema defects (embedded, current defaults)', () => {
  let db: TestDatabase;
  let engine: SqlEngine;
  beforeAll(async () => {
    db = await migrated('embedded', 'current');
    engine = db.engine;
  });
  afterAll(() => db.dispose());

  // The change and the matrix share one transaction; the matrix's closing rollback undoes both.
  // Made as the platform's superuser: postgres may not drop a trigger on auth.users (hosted
  // projects allow it through supautils, which the embedded engine does not have).
  const asAdmin = (sql: string) => `set local session authorization supabase_admin; ${sql}; set local session authorization postgres;`;
  async function failingAfter(sql: string): Promise<string[]> {
    await engine.exec('begin');
    try {
      await engine.exec(asAdmin(sql));
      return (await runRlsMatrix(engine)).filter((r) => !r.pass).map((r) => r.name);
    } finally {
      await engine.exec('rollback');
    }
  }

  it('item 1: a table-wide update grant lets a user change their tier', async () => {
    const failed = await failingAfter('grant update on public.users to authenticated');
    expect(failed).toContain('user A cannot set own subscription_tier');
    expect(failed).toContain('user A cannot set own monthly_usage');
  });

  it('item 2: a policy checking only the owner accepts forged jobs', async () => {
    const failed = await failingAfter(`
      grant insert on public.jobs to authenticated;
      drop policy "Users can create own jobs" on public.jobs;
      create policy "Users can create own jobs" on public.jobs for insert to authenticated
        with check ((select auth.uid()) = user_id);`);
    expect(failed).toEqual(
      expect.arrayContaining(['user A cannot insert a completed job with a result', 'user A cannot insert a job as completed']),
    );
    expect(failed).not.toContain('user B insert jobs');
  });

  it('item 3: without grants even service_role is refused', async () => {
    const failed = await failingAfter('revoke all on public.jobs from service_role');
    expect(failed).toContain('service_role select jobs');
  });

  it('item 4: a NOT NULL email breaks phone and anonymous sign-ups', async () => {
    const failed = await failingAfter('alter table public.users alter column email set not null');
    expect(failed).toEqual(
      expect.arrayContaining(['phone sign-up creates a profile without email', 'anonymous sign-in creates a profile without email']),
    );
  });

  it("a failing write of the auth service says what the service was doing, after the server's message", async () => {
    await engine.exec('begin');
    try {
      await engine.exec(asAdmin('alter table public.users alter column email set not null'));
      const phone = (await runRlsMatrix(engine)).find((r) => r.name === 'phone sign-up creates a profile without email');
      expect(phone).toMatchObject({ pass: false, actual: 'error 23502' });
      expect(phone?.detail).toMatch(/^sign-up by the auth service \(as supabase_auth_admin\) failed: null value in column "email"/);
      // The session is back as it was.
      expect(await engine.query('select session_user::text as s, current_user::text as c')).toEqual([{ s: 'postgres', c: 'postgres' }]);
    } finally {
      await engine.exec('rollback');
    }
  });

  it('item 4: without the sync trigger an email change is lost', async () => {
    const failed = await failingAfter('drop trigger on_auth_user_email_changed on auth.users');
    expect(failed).toContain('an email change in auth.users reaches the profile');
  });

  it('reports missing fixtures (no sign-up trigger) as one failing result', async () => {
    await engine.exec('begin');
    try {
      await engine.exec(asAdmin('drop trigger on_auth_user_created on auth.users'));
      const results = await runRlsMatrix(engine);
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({ name: FIXTURE_CASE, pass: false, actual: 'error 23503' });
    } finally {
      await engine.exec('rollback');
    }
  });
});
