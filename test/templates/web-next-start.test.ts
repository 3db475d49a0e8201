/**
 * One real `next build` and `next start` of a Next 16 app made of the generated web files and a
 * page that shows the signed-in user through the server client, against the local Supabase
 * stand-in: statuses and bounded response times when Auth is fine, slow, down or refusing.
 */
import { execa } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authCookie, session, startSupabaseStandIn, type AuthMode, type SupabaseStandIn } from './supabase-stand-in.js';
import { cachedWebDeps, makeAppDir, removeAppDir, variantContext, writeWebApp } from './web-app.js';

/** The proxy's budget (SESSION_CHECK_BUDGET_MS) plus slack for a loaded machine. */
const BOUND_MS = 3_000 + 2_000;

const PAGE = `import { createClient } from '../lib/supabase/server';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const supabase = await createClient();
  const { data } = await supabase.auth.getClaims();
  return <p>{data?.claims ? \`signed in as \${String(data.claims.email)}\` : 'signed out'}</p>;
}
`;
const LAYOUT = `export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`;

let standIn: SupabaseStandIn;
let appDir: string;
let server: { kill(signal: NodeJS.Signals): boolean; catch(onRejected: () => undefined): Promise<unknown> } | undefined;
let baseUrl: string;
const serverOutput: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const deps = await cachedWebDeps();
  standIn = await startSupabaseStandIn();
  appDir = await makeAppDir(deps.next16);
  await writeWebApp(appDir, variantContext({ nextMajor: 16, env: 'process', typed: false }));
  await mkdir(path.join(appDir, 'app'));
  await mkdir(path.join(appDir, 'public'));
  await writeFile(path.join(appDir, 'app', 'page.tsx'), PAGE);
  await writeFile(path.join(appDir, 'app', 'layout.tsx'), LAYOUT);
  await writeFile(path.join(appDir, 'public', 'robots.txt'), 'User-agent: *\n');
  await writeFile(path.join(appDir, 'package.json'), JSON.stringify({ name: 'stand-in-app', private: true }));
  const env = { NEXT_PUBLIC_SUPABASE_URL: standIn.url, NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_x', NEXT_TELEMETRY_DISABLED: '1' };
  const next = path.join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next');
  await execa('node', [next, 'build', '--webpack'], { cwd: appDir, env, all: true, timeout: 480_000 });

  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const started = execa('node', [next, 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: appDir, env, all: true, reject: false });
  started.all.on('data', (chunk: Buffer) => serverOutput.push(chunk.toString()));
  server = started;
  for (let i = 0; i < 100 && !serverOutput.join('').includes('Ready'); i++) await new Promise((r) => setTimeout(r, 200));
}, 600_000);

afterAll(async () => {
  server?.kill('SIGTERM');
  await server?.catch(() => undefined);
  await standIn?.close();
  if (appDir) await removeAppDir(appDir);
});

async function get(pathname: string, auth: AuthMode, cookie?: string) {
  standIn.auth = auth;
  standIn.calls.length = 0;
  const started = Date.now();
  const response = await fetch(`${baseUrl}${pathname}`, { headers: cookie ? { cookie } : {} });
  const body = await response.text();
  return { status: response.status, body, ms: Date.now() - started, setCookie: response.headers.getSetCookie(), calls: [...standIn.calls] };
}

const expired = () => authCookie(standIn.url, session(Math.floor(Date.now() / 1000) - 60, 'refresh-1'));

describe('next start of a generated app against the Supabase stand-in', () => {
  it('no session: the page renders signed out without asking Auth', async () => {
    const page = await get('/', 'ok');

    expect(page.status).toBe(200);
    expect(page.body).toContain('signed out');
    expect(page.calls).toEqual([]);
  });

  it('an expired session, Auth fine: refreshed once in the proxy, the page shows the user', async () => {
    const cookie = expired();
    const page = await get('/', 'ok', cookie.header);

    expect(page.status).toBe(200);
    expect(page.body).toContain('signed in as ada@example.com');
    expect(page.calls.filter((c) => c.startsWith('POST /auth/v1/token'))).toHaveLength(1);
    expect(page.setCookie.some((c) => c.startsWith(`${cookie.name}=base64-`))).toBe(true);
  });

  it.each(['slow', 'down'] as const)('an expired session, Auth %s: signed out within the bound, the cookie kept', async (mode) => {
    const before = serverOutput.length;
    const page = await get('/', mode, expired().header);

    expect(page.status).toBe(200);
    expect(page.ms).toBeLessThan(BOUND_MS);
    expect(page.body).toContain('signed out');
    expect(page.setCookie).toEqual([]);
    const logged = serverOutput.slice(before).join('');
    expect(logged).toMatch(/\[supabase\] Auth unavailable \(.+\): \/ continues signed out\./);
    expect(logged).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('an expired session, Auth answering 401: signed out, the session cookie cleared', async () => {
    const cookie = expired();
    const page = await get('/', 'unauthorized', cookie.header);

    expect(page.status).toBe(200);
    expect(page.ms).toBeLessThan(BOUND_MS);
    expect(page.body).toContain('signed out');
    expect(page.setCookie.some((c) => c.startsWith(`${cookie.name}=;`))).toBe(true);
  });

  it('static files skip the proxy: no refresh for /robots.txt', async () => {
    const file = await get('/robots.txt', 'ok', expired().header);

    expect(file.status).toBe(200);
    expect(file.body).toBe('User-agent: *\n');
    expect(file.calls).toEqual([]);
    expect(file.setCookie).toEqual([]);
  });
});
