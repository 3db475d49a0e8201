/**
 * The generated web files run with the real next/server, @supabase/ssr and @supabase/supabase-js.
 * Only Supabase Auth (HTTP) is mocked, through the global fetch the clients use.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadGenerated } from './load-ts.js';
import { cachedWebDeps, makeAppDir, removeAppDir, variantContext, writeWebApp, type Variant } from './web-app.js';

const SUPABASE_URL = 'https://probeproject.supabase.co';
const COOKIE = 'sb-probeproject-auth-token';
const USER = { id: '11111111-1111-4111-8111-111111111111', email: 'ada@example.com' };
const NO_STORE = 'private, no-cache, no-store, must-revalidate, max-age=0';

// The slices of next/server's types these tests use (next is installed in the app, not here).
interface NextRequest {
  readonly cookies: { getAll(): { name: string; value: string }[] };
}
interface NextResponse {
  readonly headers: Headers;
  readonly cookies: { get(name: string): { value: string } | undefined };
}
interface NextServer {
  NextRequest: new (url: string, init?: { headers?: Record<string, string> }) => NextRequest;
}
interface SessionModule {
  updateSession(request: NextRequest): Promise<{ supabaseResponse: NextResponse; user: { id: string; email?: string } | null; claims: { sub: string } | null }>;
}
type ConfigModule = { supabaseUrl(): string; supabasePublicKey(): string };
type AdminModule = { createAdminClient(): Record<string, unknown> & { auth: Record<string, unknown> } };

let deps: { next16: string; next15: string };
const apps = new Map<string, string>();

beforeAll(async () => {
  deps = await cachedWebDeps();
});
// supabase-js (2.114 and later, the range @supabase/ssr 0.12 accepts) needs Node 22's global
// WebSocket when a client is built; these tests run on Node 20. The stand-in only has to exist:
// no test opens a realtime connection, and one that tried would fail here.
class NoRealtimeConnection {
  constructor() {
    throw new Error('unexpected realtime connection');
  }
}
beforeEach(() => {
  vi.stubGlobal('WebSocket', NoRealtimeConnection);
});
afterEach(() => {
  vi.unstubAllGlobals();
});
afterAll(async () => {
  await Promise.all([...apps.values()].map(removeAppDir));
});

async function app(variant: Variant): Promise<string> {
  const key = JSON.stringify(variant);
  let appDir = apps.get(key);
  if (!appDir) {
    appDir = await makeAppDir(variant.nextMajor === 16 ? deps.next16 : deps.next15);
    await writeWebApp(appDir, variantContext(variant));
    apps.set(key, appDir);
  }
  return appDir;
}

describe('config.ts reading process.env', () => {
  const config = async (env: Record<string, string>) =>
    loadGenerated<ConfigModule>(path.join(await app({ nextMajor: 16, env: 'process', typed: false }), 'lib/supabase/config.ts'), env);

  it('returns the URL and the publishable key, else the legacy anon key', async () => {
    const both = await config({ NEXT_PUBLIC_SUPABASE_URL: SUPABASE_URL, NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_x', NEXT_PUBLIC_SUPABASE_ANON_KEY: 'anon' });
    const legacy = await config({ NEXT_PUBLIC_SUPABASE_URL: SUPABASE_URL, NEXT_PUBLIC_SUPABASE_ANON_KEY: 'anon' });

    expect([both.supabaseUrl(), both.supabasePublicKey()]).toEqual([SUPABASE_URL, 'sb_publishable_x']);
    expect(legacy.supabasePublicKey()).toBe('anon');
  });

  it('throws an error naming the missing variable', async () => {
    const empty = await config({});

    expect(() => empty.supabaseUrl()).toThrow(/Missing environment variable NEXT_PUBLIC_SUPABASE_URL/);
    expect(() => empty.supabasePublicKey()).toThrow(/NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY \(or the legacy NEXT_PUBLIC_SUPABASE_ANON_KEY\)/);
  });
});

describe('admin.ts', () => {
  const admin = async (variant: Variant, env: Record<string, string>) =>
    loadGenerated<AdminModule>(path.join(await app(variant), 'lib/supabase/admin.ts'), env);
  const processVariant: Variant = { nextMajor: 16, env: 'process', typed: false };

  it('builds a client with the secret key, session handling off', async () => {
    const { createAdminClient } = await admin(processVariant, { NEXT_PUBLIC_SUPABASE_URL: SUPABASE_URL, SUPABASE_SECRET_KEY: 'sb_secret_x' });

    const client = createAdminClient();

    expect(client['supabaseKey']).toBe('sb_secret_x');
    expect(client.auth).toMatchObject({ autoRefreshToken: false, persistSession: false, detectSessionInUrl: false });
  });

  it('accepts the legacy service role key, and names both when neither is set', async () => {
    const legacy = await admin(processVariant, { NEXT_PUBLIC_SUPABASE_URL: SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY: 'service-role' });
    const none = await admin(processVariant, { NEXT_PUBLIC_SUPABASE_URL: SUPABASE_URL });

    expect(legacy.createAdminClient()['supabaseKey']).toBe('service-role');
    expect(() => none.createAdminClient()).toThrow(/SUPABASE_SECRET_KEY \(or the legacy SUPABASE_SERVICE_ROLE_KEY\)/);
  });

  it("reads the secret key from the app's env module", async () => {
    const { createAdminClient } = await admin(
      { nextMajor: 16, env: 'module', typed: false },
      { NEXT_PUBLIC_SUPABASE_URL: SUPABASE_URL, NEXT_PUBLIC_SUPABASE_ANON_KEY: 'anon', SUPABASE_SERVICE_ROLE_KEY: 'from-env-module', JWT_SECRET: 'x'.repeat(32) },
    );

    expect(createAdminClient()['supabaseKey']).toBe('from-env-module');
  });
});

/** A JWT with an HS256 header: getClaims() then trusts it only after Auth's /user accepts it. */
function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

function session(expiresAt: number, refreshToken: string) {
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

/** The mock Supabase Auth: refreshes the token and confirms the user. */
function mockAuth() {
  const calls: string[] = [];
  const now = Math.floor(Date.now() / 1000);
  const fresh = session(now + 3600, 'refresh-2');
  vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    calls.push(`${method} ${url.pathname}${url.search}`);
    if (url.pathname === '/auth/v1/token') return Response.json(fresh);
    if (url.pathname === '/auth/v1/user') return Response.json(fresh.user);
    return Response.json({ message: 'unexpected' }, { status: 500 });
  });
  return { calls, fresh, expired: session(now - 60, 'refresh-1') };
}

const sessionVariants: Variant[] = [
  { nextMajor: 16, env: 'process', typed: false },
  { nextMajor: 15, env: 'process', typed: true },
];

describe.each(sessionVariants)('updateSession and the root file (Next $nextMajor)', (variant) => {
  const sessionFile = variant.nextMajor === 16 ? 'proxy' : 'middleware';
  const env = { NEXT_PUBLIC_SUPABASE_URL: SUPABASE_URL, NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_x' };
  const load = async () => {
    const appDir = await app(variant);
    const next = createRequire(path.join(appDir, 'package.json'))('next/server') as NextServer;
    return {
      next,
      session: loadGenerated<SessionModule>(path.join(appDir, `lib/supabase/${sessionFile}.ts`), env),
      root: loadGenerated<Record<string, (request: NextRequest) => Promise<NextResponse>>>(path.join(appDir, `${sessionFile}.ts`), env),
    };
  };

  it('without a session cookie: no user, no Auth request, the request passes through', async () => {
    const auth = mockAuth();
    const { next, session } = await load();

    const { supabaseResponse, user, claims } = await session.updateSession(new next.NextRequest('http://localhost:3000/dashboard'));

    expect(user).toBeNull();
    expect(claims).toBeNull();
    expect(auth.calls).toEqual([]);
    expect(supabaseResponse.headers.get('x-middleware-next')).toBe('1');
    expect(supabaseResponse.headers.get('cache-control')).toBeNull();
  });

  it('with an expired session: refreshes it, writes the cookies and the no-cache headers onto the response', async () => {
    const auth = mockAuth();
    const { next, root } = await load();
    const cookie = `${COOKIE}=base64-${Buffer.from(JSON.stringify(auth.expired)).toString('base64url')}`;

    const response = await root[sessionFile]!(new next.NextRequest('http://localhost:3000/dashboard', { headers: { cookie } }));

    expect(auth.calls).toEqual(['POST /auth/v1/token?grant_type=refresh_token', 'GET /auth/v1/user']);
    const written = response.cookies.get(COOKIE);
    expect(written?.value.startsWith('base64-')).toBe(true);
    expect(JSON.parse(Buffer.from(written!.value.slice('base64-'.length), 'base64url').toString())).toMatchObject({
      access_token: auth.fresh.access_token,
      refresh_token: 'refresh-2',
    });
    expect(response.headers.get('cache-control')).toBe(NO_STORE);
    expect(response.headers.get('expires')).toBe('0');
    expect(response.headers.get('pragma')).toBe('no-cache');
    // The refreshed cookie also reaches the page: Next forwards the rewritten request cookies.
    expect(response.headers.get('x-middleware-request-cookie')).toBe(`${COOKIE}=${written!.value}`);
  });

  it('returns the user and claims of the verified token', async () => {
    const auth = mockAuth();
    const { next, session } = await load();
    const cookie = `${COOKIE}=base64-${Buffer.from(JSON.stringify(auth.expired)).toString('base64url')}`;

    const { user, claims } = await session.updateSession(new next.NextRequest('http://localhost:3000/', { headers: { cookie } }));

    expect(user).toEqual(USER);
    expect(claims?.sub).toBe(USER.id);
  });
});
