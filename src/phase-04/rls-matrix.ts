/**
 * Runs the RLS matrix and the privilege rules against a database that has the migrations
 * applied: fixtures and every case live in one transaction that is rolled back, each case in a
 * savepoint, acting through the same role switch and JWT claims PostgREST uses.
 */
import type { SqlEngine } from '../db/engine.js';
import { toSqlError } from '../db/sql-error.js';
import { insideOuterTransaction } from '../db/transaction.js';
import { asAuthService, type AuthAction } from '../emulation/auth-service.js';
import { createFixture, type Fixture } from './rls-fixture.js';
import { matrixCases, ruleCases, type Actor, type RlsCase } from './rls-cases.js';
import { enterRequest, inRolledBackTransaction, keyClaims, resetRequest, userClaims, type ApiRole, type JwtClaims } from '../db/standin.js';

export type { RlsCase, Actor } from './rls-cases.js';
export { matrixCases, ruleCases, expectedMatrixOutcome, MATRIX_ACTORS, MATRIX_OPERATIONS } from './rls-cases.js';

export interface RlsCaseResult {
  readonly name: string;
  readonly expected: string;
  readonly actual: string;
  readonly pass: boolean;
  /** The server's message when the statement failed (or the fixtures could not be created). */
  readonly detail?: string;
}

/** The name of the result reported when the fixtures cannot be created (nothing else runs). */
export const FIXTURE_CASE = 'create fixture users A and B (sign-up trigger, one row per table)';

export async function runRlsMatrix(
  engine: SqlEngine,
  cases: readonly RlsCase[] = [...matrixCases(), ...ruleCases()],
): Promise<RlsCaseResult[]> {
  return inRolledBackTransaction(engine, async () => {
    let fixture: Fixture;
    try {
      fixture = await createFixture(engine);
    } catch (error) {
      const e = toSqlError(error);
      return [{ name: FIXTURE_CASE, expected: 'created', actual: `error ${e.code ?? ''}`.trim(), pass: false, detail: e.message }];
    }
    const caseEngine = insideOuterTransaction(engine);
    const results: RlsCaseResult[] = [];
    for (const rlsCase of cases) results.push(await runCase(caseEngine, fixture, rlsCase));
    return results;
  });
}

async function runCase(engine: SqlEngine, fixture: Fixture, rlsCase: RlsCase): Promise<RlsCaseResult> {
  // Rolling back also undoes the transaction-local role and claims set for the case.
  return inRolledBackTransaction(engine, async () => {
    const { actual, detail } = await outcome(engine, fixture, rlsCase);
    return { name: rlsCase.name, expected: rlsCase.expected, actual, pass: actual === rlsCase.expected, ...(detail ? { detail } : {}) };
  });
}

async function outcome(engine: SqlEngine, fixture: Fixture, rlsCase: RlsCase): Promise<{ actual: string; detail?: string }> {
  try {
    if (rlsCase.setup) {
      const setup = rlsCase.setup(fixture);
      await engine.query(setup.sql, setup.params);
    }
    const request = requestOf(rlsCase.actor, fixture);
    if (request) await enterRequest(engine, request.role, request.claims);
    const statement = rlsCase.statement(fixture);
    const run = () => engine.query<{ owner: unknown }>(statement.sql, statement.params);
    const rows = rlsCase.actor === 'auth service' ? await asAuthService(engine, authAction(statement.sql), run) : await run();
    if (!rlsCase.check) return { actual: ownersOf(rows, fixture) };
    await resetRequest(engine);
    const check = rlsCase.check(fixture);
    const [row] = await engine.query<{ result: unknown }>(check.sql, check.params);
    return { actual: String(row?.result ?? 'no result') };
  } catch (error) {
    const e = toSqlError(error);
    return { actual: `error ${e.code ?? 'unknown'}`, detail: e.message };
  }
}

function requestOf(actor: Actor, f: Fixture): { role: ApiRole; claims: JwtClaims } | null {
  switch (actor) {
    case 'anon':
      return { role: 'anon', claims: keyClaims('anon') };
    case 'service_role':
      return { role: 'service_role', claims: keyClaims('service_role') };
    case 'user A':
      return { role: 'authenticated', claims: userClaims(f.a.id, f.a.email) };
    case 'user B':
      return { role: 'authenticated', claims: userClaims(f.b.id, f.b.email) };
    case 'auth service':
      return null;
  }
}

function authAction(sql: string): AuthAction {
  if (/^\s*delete\b/i.test(sql)) return 'user deletion';
  return /^\s*update\b/i.test(sql) ? 'email change' : 'sign-up';
}

function ownersOf(rows: readonly { owner: unknown }[], fixture: Fixture): string {
  if (rows.length === 0) return 'rows: none';
  const labels = [...new Set(rows.map((r) => (r.owner == null ? 'null' : fixture.labelOf(String(r.owner)))))].sort();
  return `rows: ${labels.join(',')}`;
}
