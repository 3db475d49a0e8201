/**
 * A local stand-in for Supabase's HTTP API on 127.0.0.1: Auth (token refresh, user) and
 * PostgREST (one table path per request), with the failure modes the generated code must survive.
 *
 * Auth answers by `auth` mode: 'ok' (refreshes and confirms the user), 'slow' (never answers
 * until the client gives up), 'down' (drops the connection), 'unauthorized' (401, the refresh
 * token is unknown). PostgREST answers by the `id=eq.` value of the request: one containing
 * `hang` is never answered, `fail` gets PostgREST's 400, anything else a row with that id.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const USER = { id: '11111111-1111-4111-8111-111111111111', email: 'ada@example.com' };

export type AuthMode = 'ok' | 'slow' | 'down' | 'unauthorized';

export interface SupabaseStandIn {
  /** e.g. http://127.0.0.1:41234, the project URL the clients are given. */
  readonly url: string;
  /** `METHOD /path?query` of every request received, in order. */
  readonly calls: string[];
  auth: AuthMode;
  /** The session the token endpoint hands out. */
  readonly fresh: ReturnType<typeof session>;
  close(): Promise<void>;
}

/** A JWT with an HS256 header: getClaims() then trusts it only after Auth's /user accepts it. */
export function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

export function session(expiresAt: number, refreshToken: string) {
  const claims = { sub: USER.id, email: USER.email, role: 'authenticated', aud: 'authenticated', exp: expiresAt, iat: expiresAt - 3600, session_id: 's1' };
  return {
    access_token: jwt(claims),
    token_type: 'bearer',
    expires_in: 3600,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: { id: USER.id, aud: 'authenticated', role: 'authenticated', email: USER.email, app_metadata: {}, user_metadata: {}, created_at: '2026-01-01T00:00:00Z' },
  };
}

/** The auth cookie @supabase/ssr reads for a project URL (`sb-<first host label>-auth-token`). */
export function authCookie(projectUrl: string, value: object): { name: string; header: string } {
  const name = `sb-${new URL(projectUrl).hostname.split('.')[0]}-auth-token`;
  return { name, header: `${name}=base64-${Buffer.from(JSON.stringify(value)).toString('base64url')}` };
}

export async function startSupabaseStandIn(): Promise<SupabaseStandIn> {
  const calls: string[] = [];
  const fresh = session(Math.floor(Date.now() / 1000) + 3600, 'refresh-2');
  const state = { auth: 'ok' as AuthMode };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    calls.push(`${req.method} ${url.pathname}${url.search}`);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as unknown) : null;
      if (url.pathname.startsWith('/auth/v1/')) answerAuth(state.auth, url, req, res, fresh);
      else if (url.pathname.startsWith('/rest/v1/')) answerRest(url, req.method ?? 'GET', body, res);
      else json(res, 404, { message: 'no such endpoint' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    fresh,
    get auth() {
      return state.auth;
    },
    set auth(mode: AuthMode) {
      state.auth = mode;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answerAuth(mode: AuthMode, url: URL, req: http.IncomingMessage, res: http.ServerResponse, fresh: ReturnType<typeof session>) {
  if (mode === 'slow') return; // held open until the client aborts or the stand-in closes
  if (mode === 'down') {
    req.socket.destroy();
    return;
  }
  if (mode === 'unauthorized') {
    const code = url.pathname === '/auth/v1/token' ? 'refresh_token_not_found' : 'bad_jwt';
    json(res, 401, { code, error_code: code, msg: 'Invalid Refresh Token: Refresh Token Not Found' });
    return;
  }
  if (url.pathname === '/auth/v1/token') json(res, 200, fresh);
  else if (url.pathname === '/auth/v1/user') json(res, 200, fresh.user);
  else json(res, 404, { msg: 'unexpected' });
}

function answerRest(url: URL, method: string, body: unknown, res: http.ServerResponse) {
  const id = url.searchParams.get('id')?.replace(/^eq\./, '') ?? '';
  if (id.includes('hang')) return;
  if (id.includes('fail')) {
    json(res, 400, { code: '22P02', details: null, hint: null, message: `invalid input syntax for type uuid: "${id}"` });
    return;
  }
  if (method === 'POST') json(res, 201, [body]);
  else if (method === 'PATCH') json(res, 200, [{ id, ...(body as object) }]);
  else json(res, 200, [{ id }]);
}

function json(res: http.ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}
