/**
 * The generated web files run with the real next/server, @supabase/ssr and @supabase/supabase-js.
 * Only Supabase's HTTP API is stood in for, by a local server on 127.0.0.1 (supabase-stand-in.ts).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadGenerated } from './load-ts.js';
import { authCookie, session, startSupabaseStandIn, USER, type SupabaseStandIn } from './supabase-stand-in.js';
import { cachedWebDeps, makeAppDir, removeAppDir, variantContext, writeWebApp, type Variant } from './web-app.js';

const SUPABASE_URL = 'https://probeproject.supabase.co';
const NO_STORE = 'private, no-cache, no-store, must-revalidate, max-age=0';

// The slices of next/server's types these tests use (next is installed in the app, not here).
interface NextRequest {
  readonly cookies: { getAll(): { name: string; value: string }[] };
}
interface NextResponse {
  readonly headers: Headers;
  readonly cookies: { get(name: string): { value: string } | undefined; getAll(): { name: string; value: string }[] };
}
interface NextServer {
  NextRequest: new (url: string, init?: { headers?: Record<string, string> }) => NextRequest;
}
interface SessionModule {
  updateSession(request: NextRequest): Promise<{ supabaseResponse: NextResponse; user: { id: string; email?: string } | null; claims: { sub: string } | null }>;
}
type ConfigModule = { supabaseUrl(): string; supabasePublicKey(): string; fetchWithTimeout(timeoutMs?: number): typeof fetch; SUPABASE_REQUEST_TIMEOUT_MS: number };
type AdminModule = {
  createAdminClient(): Record<string, unknown> & {
    auth: Record<string, unknown>;
    from(table: string): { select(columns: string): { eq(column: string, value: string): PromiseLike<{ data: unknown; error: { message: string } | null }> } };
  };
};

let deps: { next16: string; next15: string };
let standIn: SupabaseStandIn;
const apps = new Map<string, string>();

beforeAll(async () => {
  deps = await cachedWebDeps();
  standIn = await startSupabaseStandIn();
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
  await standIn.close();
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

describe('the clients give up on a Supabase that does not answer', () => {
  it('fetchWithTimeout aborts a request held open past its time, and passes an answered one through', async () => {
    const { fetchWithTimeout, SUPABASE_REQUEST_TIMEOUT_MS } = await loadGenerated<ConfigModule>(
      path.join(await app({ nextMajor: 16, env: 'process', typed: false }), 'lib/supabase/config.ts'),
      {},
    );
    const started = Date.now();

    await expect(fetchWithTimeout(300)(`${standIn.url}/rest/v1/jobs?id=eq.hang`)).rejects.toMatchObject({
      name: 'AbortError',
      message: 'Supabase did not answer within 300 ms',
    });
    expect(Date.now() - started).toBeLessThan(300 + 2_000);
    // Past its time, a request is refused before it is sent.
    await expect(fetchWithTimeout(0)(`${standIn.url}/rest/v1/jobs?id=eq.j0`)).rejects.toMatchObject({ name: 'AbortError' });
    expect(standIn.calls).not.toContain('GET /rest/v1/jobs?id=eq.j0');
    expect(await (await fetchWithTimeout()(`${standIn.url}/rest/v1/jobs?id=eq.j1`)).json()).toEqual([{ id: 'j1' }]);
    expect(SUPABASE_REQUEST_TIMEOUT_MS).toBe(10_000);
  });

  it('a query of the admin client against a PostgREST that never answers fails within its time', async () => {
    const { createAdminClient } = await loadGenerated<AdminModule>(
      path.join(await app({ nextMajor: 16, env: 'process', typed: false }), 'lib/supabase/admin.ts'),
      { NEXT_PUBLIC_SUPABASE_URL: standIn.url, SUPABASE_SECRET_KEY: 'sb_secret_x' },
    );
    const started = Date.now();

    const { data, error } = await createAdminClient().from('jobs').select('*').eq('id', 'hang');

    expect(Date.now() - started).toBeLessThan(10_000 + 2_000);
    expect(data).toBeNull();
    expect(error?.message).toContain('Supabase did not answer within 10000 ms');
  }, 20_000);
});

const sessionVariants: Variant[] = [
  { nextMajor: 16, env: 'process', typed: false },
  { nextMajor: 15, env: 'process', typed: true },
];

/** The session check's budget (SESSION_CHECK_BUDGET_MS) plus slack for a loaded machine. */
const SESSION_BOUND_MS = 3_000 + 2_000;

describe.each(sessionVariants)('updateSession and the root file (Next $nextMajor)', (variant) => {
  const sessionFile = variant.nextMajor === 16 ? 'proxy' : 'middleware';
  const load = async (env: Record<string, string> = { NEXT_PUBLIC_SUPABASE_URL: standIn.url, NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_x' }) => {
    const appDir = await app(variant);
    const next = createRequire(path.join(appDir, 'package.json'))('next/server') as NextServer;
    return {
      next,
      session: loadGenerated<SessionModule>(path.join(appDir, `lib/supabase/${sessionFile}.ts`), env),
      root: loadGenerated<Record<string, (request: NextRequest) => Promise<NextResponse>>>(path.join(appDir, `${sessionFile}.ts`), env),
    };
  };
  const expired = () => authCookie(standIn.url, session(Math.floor(Date.now() / 1000) - 60, 'refresh-1'));
  const valid = () => authCookie(standIn.url, session(Math.floor(Date.now() / 1000) + 3600, 'refresh-1'));
  let console_: { warn: ReturnType<typeof vi.spyOn>; error: ReturnType<typeof vi.spyOn> };
  beforeEach(() => {
    standIn.auth = 'ok';
    standIn.calls.length = 0;
    console_ = { warn: vi.spyOn(console, 'warn').mockImplementation(() => {}), error: vi.spyOn(console, 'error').mockImplementation(() => {}) };
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('without a session cookie: no user, no Auth request, the request passes through', async () => {
    const { next, session } = await load();

    const { supabaseResponse, user, claims } = await session.updateSession(new next.NextRequest('http://localhost:3000/dashboard'));

    expect(user).toBeNull();
    expect(claims).toBeNull();
    expect(standIn.calls).toEqual([]);
    expect(supabaseResponse.headers.get('x-middleware-next')).toBe('1');
    expect(supabaseResponse.headers.get('cache-control')).toBeNull();
  });

  it('with an expired session: refreshes it, writes the cookies and the no-cache headers onto the response', async () => {
    const { next, root } = await load();
    const cookie = expired();

    const response = await root[sessionFile]!(new next.NextRequest('http://localhost:3000/dashboard', { headers: { cookie: cookie.header } }));

    expect(standIn.calls).toEqual(['POST /auth/v1/token?grant_type=refresh_token', 'GET /auth/v1/user']);
    const written = response.cookies.get(cookie.name);
    expect(written?.value.startsWith('base64-')).toBe(true);
    expect(JSON.parse(Buffer.from(written!.value.slice('base64-'.length), 'base64url').toString())).toMatchObject({
      access_token: standIn.fresh.access_token,
      refresh_token: 'refresh-2',
    });
    expect(response.headers.get('cache-control')).toBe(NO_STORE);
    expect(response.headers.get('expires')).toBe('0');
    expect(response.headers.get('pragma')).toBe('no-cache');
    // The refreshed cookie also reaches the page: Next forwards the rewritten request cookies.
    expect(response.headers.get('x-middleware-request-cookie')).toBe(`${cookie.name}=${written!.value}`);
    expect([console_.warn.mock.calls, console_.error.mock.calls]).toEqual([[], []]);
  });

  it('returns the user and claims of the verified token', async () => {
    const { next, session } = await load();

    const { user, claims } = await session.updateSession(new next.NextRequest('http://localhost:3000/', { headers: { cookie: expired().header } }));

    expect(user).toEqual(USER);
    expect(claims?.sub).toBe(USER.id);
  });

  it.each([
    ['slow', 'an expired session whose refresh never answers', expired],
    ['slow', 'a valid session whose check never answers', valid],
    ['down', 'an expired session, Auth dropping connections', expired],
  ] as const)('Auth %s, %s: within the budget, signed out, one log line, cookies kept', async (mode, _case, cookieFor) => {
    standIn.auth = mode;
    const { next, root } = await load();
    const cookie = cookieFor();
    const started = Date.now();

    const response = await root[sessionFile]!(new next.NextRequest('http://localhost:3000/dashboard', { headers: { cookie: `${cookie.header}; theme=dark` } }));

    expect(Date.now() - started).toBeLessThan(SESSION_BOUND_MS);
    expect(response.headers.get('x-middleware-next')).toBe('1');
    // The page gets the request without the auth cookie (it renders signed out without asking
    // Auth again); the browser's cookie is neither rewritten nor cleared.
    expect(response.headers.get('x-middleware-request-cookie')).toBe('theme=dark');
    expect(response.cookies.getAll()).toEqual([]);
    expect(console_.warn.mock.calls).toHaveLength(1);
    expect(console_.warn.mock.calls[0]).toHaveLength(1);
    expect(String(console_.warn.mock.calls[0]![0])).toMatch(/^\[supabase\] Auth unavailable \(.+\): \/dashboard continues signed out\.$/);
    expect(String(console_.warn.mock.calls[0]![0])).not.toContain('\n');
    expect(console_.error).not.toHaveBeenCalled();
  });

  it('Auth answering 401 to the refresh: signed out at once, the session cookie cleared', async () => {
    standIn.auth = 'unauthorized';
    const { next, session } = await load();
    const cookie = expired();
    const started = Date.now();

    const { supabaseResponse, user } = await session.updateSession(new next.NextRequest('http://localhost:3000/', { headers: { cookie: cookie.header } }));

    expect(Date.now() - started).toBeLessThan(SESSION_BOUND_MS);
    expect(user).toBeNull();
    expect(standIn.calls).toEqual(['POST /auth/v1/token?grant_type=refresh_token']);
    expect(supabaseResponse.cookies.get(cookie.name)?.value).toBe('');
    expect(console_.warn.mock.calls.flat().join('\n')).not.toContain('Auth unavailable');
  });

  it('without NEXT_PUBLIC_SUPABASE_URL: passes every request through, with one warning per process', async () => {
    const { next, root } = await load({ NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_x' });

    const first = await root[sessionFile]!(new next.NextRequest('http://localhost:3000/', { headers: { cookie: expired().header } }));
    const second = await root[sessionFile]!(new next.NextRequest('http://localhost:3000/about'));

    for (const response of [first, second]) expect(response.headers.get('x-middleware-next')).toBe('1');
    expect(standIn.calls).toEqual([]);
    expect(console_.warn.mock.calls).toEqual([
      ['[supabase] Missing environment variable NEXT_PUBLIC_SUPABASE_URL: set it in .env.local or the deployment environment. Sessions are not refreshed until it is set.'],
    ]);
  });
});
