/**
 * Runs the RLS matrix and the privilege rules against a database that has the migrations
 * applied: fixtures and every case live in one transaction that is rolled back, each case in a
 * savepoint, acting through the same role switch and JWT claims PostgREST uses.
 */
import type { SqlEngine, SqlStep, StepsRun } from '../db/engine.js';
import { toSqlError, type SqlError } from '../db/sql-error.js';
import { insideOuterTransaction, unitOfWork, type UnitOfWork } from '../db/transaction.js';
import {
  AuthServiceError,
  authServiceEntry,
  authServiceRestore,
  authServiceSwitch,
  enteredAs,
  type AuthAction,
} from '../emulation/auth-service.js';
import { createFixture, type Fixture } from './rls-fixture.js';
import { matrixCases, ruleCases, type Actor, type RlsCase } from './rls-cases.js';
import {
  enterRequestStep,
  inRolledBackTransaction,
  keyClaims,
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
    const outcomes: Outcome[] = [];
    // The cases acted through API requests between two auth service cases go in one request.
    for (let i = 0; i < cases.length;) {
      let end = i;
      while (end < cases.length && requestOf(cases[end]!.actor, fixture)) end += 1;
      if (end > i) {
        outcomes.push(...(await asRequests(caseEngine, fixture, cases.slice(i, end))));
        i = end;
      } else {
        outcomes.push(await asAuthServiceCase(caseEngine, fixture, cases[i]!));
        i += 1;
      }
    }
    return cases.map((rlsCase, i) => resultOf(rlsCase, outcomes[i]!));
  });
}

function resultOf(rlsCase: RlsCase, { actual, detail }: Outcome): RlsCaseResult {
  return { name: rlsCase.name, expected: rlsCase.expected, actual, pass: actual === rlsCase.expected, ...(detail ? { detail } : {}) };
}

type Outcome = { actual: string; detail?: string };

/**
 * Cases acted through API requests, each a batch of one request to the engine: savepoint,
 * setup, the request's role and claims, the statement, the check, then the rollback, which also
 * undoes the transaction-local role and claims; a step that fails rolls back at once.
 */
async function asRequests(engine: SqlEngine, fixture: Fixture, cases: readonly RlsCase[]): Promise<Outcome[]> {
  const batches = cases.map((rlsCase) => {
    const request = requestOf(rlsCase.actor, fixture)!;
    const unit = new CaseUnit(engine);
    const setup = rlsCase.setup ? [unit.query(rlsCase.setup(fixture))] : [];
    const steps = [
      unit.begin,
      ...setup,
      unit.step(enterRequestStep(request.role, request.claims)),
      unit.query(rlsCase.statement(fixture)),
      ...unit.check(rlsCase, fixture),
      unit.end,
    ];
    return { rlsCase, unit, steps, statementStep: setup.length + 2 };
  });
  const runs = await engine.runBatches(batches.map((batch) => batch.steps));
  return batches.map(({ rlsCase, unit, steps, statementStep }, i) => {
    const run = runs[i];
    // Every step but the savepoint and its rollback has an undo: a batch is not run only after
    // one whose savepoint, rollback or undo failed (endsTheRest), which CaseUnit.failure threw.
    if (!run) throw new Error(`the RLS case "${rlsCase.name}" was not run`);
    const failed = unit.failure(run, steps);
    if (failed) return errorOutcome(failed.error);
    return unit.result(run, rlsCase, fixture, statementStep);
  });
}

/**
 * A case acted by the auth service (see asAuthService), in two batches: savepoint, setup and
 * reading the session; then the switch to the auth service, the statement, the session put
 * back, the check and the rollback.
 */
async function asAuthServiceCase(engine: SqlEngine, fixture: Fixture, rlsCase: RlsCase): Promise<Outcome> {
  const unit = new CaseUnit(engine);
  const setup = rlsCase.setup ? [unit.query(rlsCase.setup(fixture))] : [];
  const entering = [unit.begin, ...setup, ...authServiceEntry(engine).map((step) => unit.step(step))];
  const entered = await engine.runSteps(entering);
  const failedEntering = unit.failure(entered, entering);
  if (failedEntering) return errorOutcome(failedEntering.error);
  const { before, mayBecomeRole: may } = enteredAs(entered.rows.slice(setup.length + 1));

  const statement = rlsCase.statement(fixture);
  const switching = authServiceSwitch(may).map((step) => unit.step(step));
  // After a failed statement the rollback to the savepoint puts the session back.
  const steps = [
    ...switching,
    unit.query(statement),
    ...authServiceRestore(before).map((step) => unit.step(step)),
    ...unit.check(rlsCase, fixture),
    unit.end,
  ];
  const run = await engine.runSteps(steps);
  const failed = unit.failure(run, steps);
  if (!failed) return unit.result(run, rlsCase, fixture, switching.length);
  const error = failed.step === switching.length ? new AuthServiceError(authAction(statement.sql), failed.error) : failed.error;
  return errorOutcome(error);
}

const errorOutcome = (error: SqlError): Outcome => ({ actual: `error ${error.code ?? 'unknown'}`, detail: error.message });

/** The savepoint a case runs in, rolled back at its end or as soon as a step fails. */
class CaseUnit {
  private readonly unit: UnitOfWork;
  readonly begin: SqlStep;
  readonly end: SqlStep;

  constructor(engine: SqlEngine) {
    this.unit = unitOfWork(engine);
    this.begin = { kind: 'exec', sql: this.unit.begin };
    this.end = { kind: 'exec', sql: this.unit.rollback };
  }

  step(step: SqlStep): SqlStep {
    return { ...step, undo: [this.unit.rollback] };
  }

  query({ sql, params }: { sql: string; params: unknown[] }): SqlStep {
    return this.step({ kind: 'query', sql, params });
  }

  /** After the statement, as the session's own role: the check's query (its row is the result). */
  check(rlsCase: RlsCase, fixture: Fixture): SqlStep[] {
    return rlsCase.check ? [this.step(RESET_REQUEST_STEP), this.query(rlsCase.check(fixture))] : [];
  }

  /**
   * The step of the batch `steps` that failed. The savepoint itself, or its rollback, failing
   * stops the matrix, as it does when these run on their own.
   */
  failure(run: StepsRun, steps: readonly SqlStep[]): { step: number; error: SqlError } | null {
    const { failure } = run;
    if (failure && (steps[failure.step] === this.begin || steps[failure.step] === this.end)) throw failure.error;
    if (run.undoError) throw run.undoError;
    return failure;
  }

  result(run: StepsRun, rlsCase: RlsCase, fixture: Fixture, statementStep: number): Outcome {
    if (!rlsCase.check) return { actual: ownersOf(run.rows[statementStep] as { owner: unknown }[], fixture) };
    const [row] = run.rows[run.rows.length - 2]!;
    return { actual: String(row?.['result'] ?? 'no result') };
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
