/**
 * The Supabase stand-in: installs on a plain PostgreSQL (or PGlite) what migrations expect to
 * find on Supabase, and emulates a PostgREST request for a given role and JWT.
 */
import { grantModeSql, installEmulation, type GrantMode } from '../emulation/install.js';
import type { SqlEngine, SqlStep } from './engine.js';
import { unitOfWork } from './transaction.js';

export interface StandInOptions {
  readonly grants: GrantMode;
}

/**
 * Installs the Supabase emulation on a fresh database of a server (a `--db-url` temporary
 * database, a test database), then the grant mode. Roles are created NOLOGIN there.
 */
export async function installSupabaseStandIn(engine: SqlEngine, options: StandInOptions): Promise<void> {
  await installEmulation(engine, { loginRoles: false });
  await engine.exec(grantModeSql(options.grants));
}

export type ApiRole = 'anon' | 'authenticated' | 'service_role';

export type JwtClaims = Readonly<Record<string, unknown>>;

/**
 * Claims shaped like a Supabase access token for a signed-in user. `overrides` replace or add
 * claims (e.g. `is_anonymous: true`).
 */
export function userClaims(userId: string, email: string | null, overrides: Readonly<Record<string, unknown>> = {}): JwtClaims {
  const now = Math.floor(Date.parse('2026-01-01T00:00:00Z') / 1000);
  return {
    iss: 'http://127.0.0.1:54321/auth/v1',
    sub: userId,
    aud: 'authenticated',
    role: 'authenticated',
    email: email ?? '',
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    is_anonymous: false,
    aal: 'aal1',
    session_id: '00000000-0000-4000-8000-000000000000',
    iat: now,
    exp: now + 3600,
    ...overrides,
  };
}

/** Claims of a request made with the anon key or the service-role key. */
export function keyClaims(role: 'anon' | 'service_role'): JwtClaims {
  return { iss: 'supabase-demo', role, iat: 1641769200, exp: 1799535600 };
}

/**
 * Switches the current transaction to a request's identity the way PostgREST does: role, JWT
 * claims (null → no claims) and the API search_path, all transaction-local. Call inside a
 * transaction; `rollback` or `resetRequest` ends it.
 */
export async function enterRequest(engine: SqlEngine, role: ApiRole, claims: JwtClaims | null): Promise<void> {
  await engine.exec(enterRequestStep(role, claims).sql);
}

/**
 * enterRequest as a step of a batch: a script with its values written in, which the embedded
 * engine runs in one call (a query with parameters takes several; the RLS matrix makes hundreds).
 */
export function enterRequestStep(role: ApiRole, claims: JwtClaims | null): SqlStep {
  return {
    kind: 'exec',
    sql: `select set_config('search_path', 'public, extensions', true),
            set_config('request.jwt.claims', ${escapedLiteral(claims === null ? '' : JSON.stringify(claims))}, true),
            set_config('role', ${escapedLiteral(role)}, true)`,
  };
}

/** A string constant that reads the same whatever standard_conforming_strings the session has. */
const escapedLiteral = (text: string) => `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

/** Back to the session's own role inside the same transaction (e.g. to inspect the result). */
export async function resetRequest(engine: SqlEngine): Promise<void> {
  await engine.exec(RESET_REQUEST_STEP.sql);
}

/** resetRequest as a step of a batch. */
export const RESET_REQUEST_STEP: SqlStep = { kind: 'exec', sql: `reset role; select set_config('request.jwt.claims', '', true);` };

/** Runs `fn` in a transaction (a savepoint inside an outer one) that is always rolled back, whatever `fn` does. */
export async function inRolledBackTransaction<T>(engine: SqlEngine, fn: () => Promise<T>): Promise<T> {
  const unit = unitOfWork(engine);
  await engine.exec(unit.begin);
  try {
    return await fn();
  } finally {
    await engine.exec(unit.rollback);
  }
}

/**
 * One statement as an API request would run it: in its own transaction, as `role` with
 * `claims`, rolled back afterwards. Rows on success; a SqlError (e.g. code 42501) otherwise.
 */
export function asRole<T = Record<string, unknown>>(
  engine: SqlEngine,
  role: ApiRole,
  claims: JwtClaims | null,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return inRolledBackTransaction(engine, async () => {
    await enterRequest(engine, role, claims);
    return engine.query<T>(sql, params);
  });
}
