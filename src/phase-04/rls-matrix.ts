/**
 * Runs the RLS matrix and the privilege rules against a database that has the migrations
 * applied: fixtures and every case live in one transaction that is rolled back, each case in a
 * savepoint, acting through the same role switch and JWT claims PostgREST uses.
 */
import type { SqlEngine, SqlStep } from '../db/engine.js';
import { toSqlError } from '../db/sql-error.js';
import { insideOuterTransaction, unitOfWork } from '../db/transaction.js';
import { asAuthService, type AuthAction } from '../emulation/auth-service.js';
import { createFixture, type Fixture } from './rls-fixture.js';
import { matrixCases, ruleCases, type Actor, type RlsCase } from './rls-cases.js';
import {
  enterRequestStep,
  inRolledBackTransaction,
  keyClaims,
  resetRequest,
  RESET_REQUEST_STEP,
  userClaims,
  type ApiRole,
  type JwtClaims,
} from '../db/standin.js';

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
  const request = requestOf(rlsCase.actor, fixture);
  const { actual, detail } = request
    ? await asRequest(engine, fixture, rlsCase, request)
    : await asAuthServiceCase(engine, fixture, rlsCase);
  return { name: rlsCase.name, expected: rlsCase.expected, actual, pass: actual === rlsCase.expected, ...(detail ? { detail } : {}) };
}

type Outcome = { actual: string; detail?: string };

/**
 * A case acted through an API request, sent as one batch: savepoint, setup, the request's role
 * and claims, the statement, the check, then the rollback, which also undoes the
 * transaction-local role and claims; a step that fails rolls back at once.
 */
async function asRequest(
  engine: SqlEngine,
  fixture: Fixture,
  rlsCase: RlsCase,
  request: { role: ApiRole; claims: JwtClaims },
): Promise<Outcome> {
  const unit = unitOfWork(engine);
  const undo = [unit.rollback];
  const query = ({ sql, params }: { sql: string; params: unknown[] }): SqlStep => ({ kind: 'query', sql, params, undo });
  const setup = rlsCase.setup ? [query(rlsCase.setup(fixture))] : [];
  const check = rlsCase.check ? [{ ...RESET_REQUEST_STEP, undo }, query(rlsCase.check(fixture))] : [];
  const steps: SqlStep[] = [
    { kind: 'exec', sql: unit.begin },
    ...setup,
    { ...enterRequestStep(request.role, request.claims), undo },
    query(rlsCase.statement(fixture)),
    ...check,
    { kind: 'exec', sql: unit.rollback },
  ];
  const run = await engine.runSteps(steps);
  const { failure } = run;
  // The savepoint or its rollback failed: the matrix cannot go on, as when these run on their own.
  if (failure && (failure.step === 0 || failure.step === steps.length - 1)) throw failure.error;
  if (run.undoError) throw run.undoError;
  if (failure) return { actual: `error ${failure.error.code ?? 'unknown'}`, detail: failure.error.message };
  if (!rlsCase.check) return { actual: ownersOf(run.rows[setup.length + 2] as { owner: unknown }[], fixture) };
  const [row] = run.rows[steps.length - 2]!;
  return { actual: String(row?.['result'] ?? 'no result') };
}

/** A case acted by the auth service, whose session changes depend on what the session is. */
function asAuthServiceCase(engine: SqlEngine, fixture: Fixture, rlsCase: RlsCase): Promise<Outcome> {
  // Rolling back also undoes the transaction-local role and claims set for the case.
  return inRolledBackTransaction(engine, async () => {
    try {
      if (rlsCase.setup) {
        const setup = rlsCase.setup(fixture);
        await engine.query(setup.sql, setup.params);
      }
      const statement = rlsCase.statement(fixture);
      const rows = await asAuthService(engine, authAction(statement.sql), () =>
        engine.query<{ owner: unknown }>(statement.sql, statement.params),
      );
      if (!rlsCase.check) return { actual: ownersOf(rows, fixture) };
      await resetRequest(engine);
      const check = rlsCase.check(fixture);
      const [row] = await engine.query<{ result: unknown }>(check.sql, check.params);
      return { actual: String(row?.result ?? 'no result') };
    } catch (error) {
      const e = toSqlError(error);
      return { actual: `error ${e.code ?? 'unknown'}`, detail: e.message };
    }
  });
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
