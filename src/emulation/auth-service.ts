/**
 * The auth service (GoTrue) as an actor on the database: sign-ups, email changes and user
 * deletions are written the way it writes them, connected as `supabase_auth_admin` with the
 * search_path `auth` and unqualified table names, a user row and its identity in one go. A
 * trigger on auth.users therefore runs as that role, as it does on a project: a trigger function
 * that is not `security definer` has none of the privileges of its owner.
 */
import type { SqlEngine, SqlStep } from '../db/engine.js';
import { SqlError } from '../db/sql-error.js';
import { EMBEDDED_LOGIN_ROLE } from './install.js';

export const AUTH_SERVICE_ROLE = 'supabase_auth_admin';

/** GoTrue's single instance id. */
const INSTANCE_ID = '00000000-0000-0000-0000-000000000000';

export interface NewUser {
  readonly id: string;
  /** Null for phone sign-ups and anonymous sign-ins. */
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly isAnonymous?: boolean;
  /** An SSO user: emails are unique only among non-SSO users. */
  readonly ssoProvider?: string | null;
  /** `raw_user_meta_data`: what the signing-up user sent (user-editable). */
  readonly userMetadata?: Readonly<Record<string, unknown>>;
}

export type AuthAction = 'sign-up' | 'email change' | 'user deletion';

/**
 * A write of the auth service that the database refused, e.g. because a trigger on auth.users
 * failed. The message says what the service was doing and, for the failures a migration causes,
 * why; `cause` is the server's error.
 */
export class AuthServiceError extends SqlError {
  constructor(
    readonly action: AuthAction,
    readonly sqlError: SqlError,
  ) {
    super(
      `${action} by the auth service (as ${AUTH_SERVICE_ROLE}) failed: ${sqlError.message}${explanation(sqlError)}`,
      sqlError.code,
      undefined,
      sqlError.detail,
      sqlError.hint,
      sqlError.where,
    );
    this.name = 'AuthServiceError';
  }
}

/** Why a write of the auth service fails because of what a migration did, when recognisable. */
function explanation(error: SqlError): string {
  const inTrigger = error.where !== undefined && /function|trigger/i.test(error.where);
  if (error.code === '42501') {
    return inTrigger || /permission denied for (table|sequence|schema|function)/.test(error.message)
      ? ` — the auth service writes auth.users as ${AUTH_SERVICE_ROLE}, and a trigger function that is not security definer runs with that role's privileges, which include nothing in public: declare the function security definer (with set search_path = '')`
      : '';
  }
  if (error.code === '42P01' || error.code === '42883') {
    return ` — a name the trigger function does not qualify is looked up in the function's search_path (empty when set to '', else the auth service's: auth): qualify every name (e.g. public.users)`;
  }
  return '';
}

export async function signUp(engine: SqlEngine, user: NewUser): Promise<void> {
  const provider = user.ssoProvider ? `sso:${user.ssoProvider}` : user.phone && !user.email ? 'phone' : 'email';
  const appMetadata = user.isAnonymous ? {} : { provider, providers: [provider] };
  const identity = {
    sub: user.id,
    email: user.email ?? undefined,
    phone: user.phone ?? undefined,
    email_verified: false,
    phone_verified: false,
  };
  await asAuthService(engine, 'sign-up', [
    {
      kind: 'query',
      sql: `insert into users (instance_id, id, aud, role, email, phone, encrypted_password, email_confirmed_at,
                          confirmation_token, recovery_token, email_change_token_new, email_change,
                          raw_app_meta_data, raw_user_meta_data, is_sso_user, is_anonymous, created_at, updated_at)
       values ($1::uuid, $2::uuid, 'authenticated', 'authenticated', $3::varchar, $4::text, '',
               case when $3::varchar is null then null else now() end,
               '', '', '', '', $5::jsonb, $6::jsonb, $7::boolean, $8::boolean, now(), now())`,
      params: [
        INSTANCE_ID,
        user.id,
        user.email ?? null,
        user.phone ?? null,
        JSON.stringify(appMetadata),
        JSON.stringify(user.userMetadata ?? {}),
        Boolean(user.ssoProvider),
        Boolean(user.isAnonymous),
      ],
    },
    ...(user.isAnonymous
      ? []
      : [
          {
            kind: 'query' as const,
            sql: `insert into identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
       values ($1::text, $1::uuid, $2::jsonb, $3::text, now(), now(), now())`,
            params: [user.id, JSON.stringify(identity), provider],
          },
        ]),
  ]);
}

/** A confirmed email change (or an anonymous user adding an email). */
export async function changeEmail(engine: SqlEngine, userId: string, email: string): Promise<void> {
  await asAuthService(engine, 'email change', [
    {
      kind: 'query',
      sql: `update users set email = $2, is_anonymous = false, email_change = '', email_change_token_new = '',
                        email_confirmed_at = now(), updated_at = now()
        where id = $1`,
      params: [userId, email],
    },
  ]);
}

/** Deleting a user from the dashboard or the admin API: the row goes, cascading to its identities, sessions, … */
export async function deleteUser(engine: SqlEngine, userId: string): Promise<void> {
  await asAuthService(engine, 'user deletion', [{ kind: 'query', sql: `delete from users where id = $1`, params: [userId] }]);
}

/**
 * Runs `steps` as the auth service: role `supabase_auth_admin`, search_path `auth`; afterwards
 * the session is as it was. The engine's session must be allowed to become that role (a
 * superuser login, as on the embedded engine and an admin `--db-url`), else the steps run as the
 * session's own role. A failure of a step comes back as an AuthServiceError. Two requests: the
 * entry (authServiceEntry), then the switch, the steps and the way back in one batch.
 *
 * Session-level settings, restored by hand: inside a caller's transaction or savepoint a failure
 * is undone by its rollback, which also undoes them.
 */
export async function asAuthService(engine: SqlEngine, action: AuthAction, steps: readonly SqlStep[]): Promise<void> {
  const entry = await engine.runSteps(authServiceEntry(engine));
  if (entry.failure) {
    // Past the login, the session is the engine's login role (a superuser): put it back.
    if (entry.failure.step >= LOGGED_IN) await engine.runSteps(authServiceRestore(sessionBefore(entry.rows))).catch(() => undefined);
    throw entry.failure.error;
  }
  const { before, mayBecomeRole } = enteredAs(entry.rows);
  const switching = authServiceSwitch(mayBecomeRole);
  const restoring = authServiceRestore(before);
  const run = await engine.runSteps([...switching, ...steps, ...restoring]);
  if (!run.failure) return;
  const { step, error } = run.failure;
  if (step >= switching.length + steps.length) throw error;
  await engine.runSteps(restoring).catch(() => undefined);
  throw step < switching.length ? error : new AuthServiceError(action, error);
}

/** What the session is before it acts as the auth service, to restore it after. */
export interface AuthServiceSession {
  readonly session_user: string;
  readonly role: string;
  readonly search_path: string;
}

/**
 * asAuthService's first steps: read the session (an AuthServiceSession), log in as the engine's
 * own login role, then ask whether it may become the auth service's role (one row `{ ok }`).
 */
export function authServiceEntry(engine: SqlEngine): readonly [SqlStep, SqlStep, SqlStep] {
  return [
    {
      kind: 'query',
      sql: `select session_user::text as session_user, current_setting('role') as role, current_setting('search_path') as search_path`,
    },
    // PGlite ignores SET SESSION AUTHORIZATION DEFAULT: its login role is named instead.
    { kind: 'query', sql: `set session authorization ${engine.kind === 'embedded' ? EMBEDDED_LOGIN_ROLE : 'default'}` },
    {
      kind: 'query',
      sql: `select current_setting('is_superuser') = 'on' or pg_catalog.pg_has_role($1, 'member') as ok`,
      params: [AUTH_SERVICE_ROLE],
    },
  ];
}

/** The index of authServiceEntry's first step that runs logged in as the engine's login role. */
const LOGGED_IN = 2;

/** What authServiceEntry's steps read, from their rows (in order): the session to restore, and whether it may become the role. */
export function enteredAs(rows: readonly (readonly Record<string, unknown>[])[]): { before: AuthServiceSession; mayBecomeRole: boolean } {
  return { before: sessionBefore(rows), mayBecomeRole: rows[LOGGED_IN]![0]?.['ok'] === true };
}

function sessionBefore(rows: readonly (readonly Record<string, unknown>[])[]): AuthServiceSession {
  return rows[0]![0] as unknown as AuthServiceSession;
}

/** Then: become the auth service's role when allowed, with its search_path. */
export function authServiceSwitch(mayBecomeRole: boolean): SqlStep[] {
  return [
    ...(mayBecomeRole ? [{ kind: 'query' as const, sql: `set role ${AUTH_SERVICE_ROLE}` }] : []),
    { kind: 'query', sql: `select pg_catalog.set_config('search_path', 'auth', false)` },
  ];
}

/** After the auth service's statements: the session as it was. */
export function authServiceRestore(before: AuthServiceSession): SqlStep[] {
  return [
    { kind: 'query', sql: `set session authorization ${quoteIdent(before.session_user)}` },
    {
      kind: 'query',
      sql: `select pg_catalog.set_config('role', $1, false), pg_catalog.set_config('search_path', $2, false)`,
      params: [before.role, before.search_path],
    },
  ];
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
