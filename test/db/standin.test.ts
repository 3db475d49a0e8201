import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlEngine } from '../../src/db/engine.js';
import { isSqlError } from '../../src/db/sql-error.js';
import { asRole, installSupabaseStandIn, keyClaims, userClaims } from '../../src/db/standin.js';
import { ENGINE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/db-postgres.js';
import { ENGINE_GRANT_CASES, openStandInDatabase } from '../helpers/db-standin.js';

const USER = '11111111-1111-4111-8111-111111111111';

describe.each(ENGINE_KINDS)('Supabase stand-in on %s', (kind) => {
  let db: TestDatabase;
  let engine: SqlEngine;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    engine = db.engine;
    await installSupabaseStandIn(engine, { grants: 'legacy' });
  });
  afterAll(() => db.dispose());

  // On the shared server the roles were there before this install (roles outlive databases; see
  // global-setup), so only the fresh engine shows what the install itself creates.
  it.runIf(kind === 'embedded')('creates the API roles with Supabase attributes, none of them able to log in', async () => {
    const roles = await engine.query<{ rolname: string; rolcanlogin: boolean; rolbypassrls: boolean; rolinherit: boolean }>(
      `select rolname, rolcanlogin, rolbypassrls, rolinherit from pg_roles
        where rolname in ('anon', 'authenticated', 'service_role', 'authenticator') order by rolname`,
    );
    expect(roles).toEqual([
      { rolname: 'anon', rolcanlogin: false, rolbypassrls: false, rolinherit: true },
      { rolname: 'authenticated', rolcanlogin: false, rolbypassrls: false, rolinherit: true },
      { rolname: 'authenticator', rolcanlogin: false, rolbypassrls: false, rolinherit: false },
      { rolname: 'service_role', rolcanlogin: false, rolbypassrls: true, rolinherit: true },
    ]);
    const members = await engine.query<{ role: string }>(
      `select r.rolname as role from pg_auth_members m join pg_roles r on r.oid = m.roleid
        join pg_roles u on u.oid = m.member where u.rolname = 'authenticator' order by 1`,
    );
    expect(members.map((m) => m.role)).toEqual(['anon', 'authenticated', 'service_role']);
  });

  it('installs a second time without error (roles and schemas already there)', async () => {
    await installSupabaseStandIn(engine, { grants: 'legacy' });
  });

  it('auth.uid/role/email/jwt read the request claims', async () => {
    const [row] = await asRole(
      engine,
      'authenticated',
      userClaims(USER, 'a@example.com'),
      `select auth.uid()::text as uid, auth.role() as role, auth.email() as email,
              auth.jwt() ->> 'aud' as aud, current_user::text as "user"`,
    );
    expect(row).toEqual({ uid: USER, role: 'authenticated', email: 'a@example.com', aud: 'authenticated', user: 'authenticated' });
  });

  it('hands the claims over as written, quotes and backslashes too, whatever standard_conforming_strings says', async () => {
    const claims = userClaims(USER, "o'hara\\\\x@example.com", { note: 'say "hi"\\n\\\\' });
    for (const conforming of ['on', 'off']) {
      await engine.exec(`set standard_conforming_strings = ${conforming}`);
      const [row] = await asRole(engine, 'authenticated', claims, `select auth.jwt() as jwt, auth.email() as email`).finally(() =>
        engine.exec('reset standard_conforming_strings'),
      );
      expect(row).toEqual({ jwt: claims, email: claims['email'] });
    }
  });

  it('treats missing or empty claims as NULL instead of failing a cast', async () => {
    const [none] = await asRole(engine, 'anon', null, `select auth.uid() as uid, auth.jwt() as jwt, auth.role() as role`);
    expect(none).toEqual({ uid: null, jwt: null, role: null });
    const [legacyEmpty] = await asRole(
      engine,
      'anon',
      keyClaims('anon'),
      `select set_config('request.jwt.claim.sub', '', true) as s, auth.uid() as uid, auth.role() as role`,
    );
    expect(legacyEmpty).toMatchObject({ uid: null, role: 'anon' });
  });

  it('prefers the legacy per-claim setting when present', async () => {
    const [row] = await asRole(
      engine,
      'authenticated',
      userClaims(USER, null),
      `select set_config('request.jwt.claim.sub', '22222222-2222-4222-8222-222222222222', true) as s, auth.uid()::text as uid`,
    );
    expect(row?.uid).toBe('22222222-2222-4222-8222-222222222222');
  });

  it('has auth.users with nullable email, phone and is_anonymous', async () => {
    await engine.exec('begin');
    try {
      await engine.exec(`insert into auth.users (id, phone) values ('${USER}', '15550100');
                         insert into auth.users (id, is_anonymous) values ('22222222-2222-4222-8222-222222222222', true);`);
      const rows = await engine.query<{ n: number }>(`select count(*)::int as n from auth.users where email is null`);
      expect(rows[0]?.n).toBe(2);
    } finally {
      await engine.exec('rollback');
    }
  });

  it('puts uuid-ossp and pgcrypto in extensions, on the postgres search_path', async () => {
    const exts = await engine.query<{ extname: string; schema: string }>(
      `select extname, extnamespace::regnamespace::text as schema from pg_extension
        where extname in ('uuid-ossp', 'pgcrypto') order by 1`,
    );
    expect(exts).toEqual([
      { extname: 'pgcrypto', schema: 'extensions' },
      { extname: 'uuid-ossp', schema: 'extensions' },
    ]);
    const [row] = await engine.query<{ ok: boolean }>(`select length(uuid_generate_v4()::text) = 36 and gen_salt('bf') like '$2a$%' as ok`);
    expect(row?.ok).toBe(true);
  });

  it('gives API roles no access to auth.users', async () => {
    const error = await asRole(engine, 'authenticated', userClaims(USER, null), 'select * from auth.users').catch((e) => e);
    expect(isSqlError(error) && error.code).toBe('42501');
  });
});

describe.each(ENGINE_GRANT_CASES)('grant defaults on $kind: $grants', ({ kind, grants }) => {
  let db: TestDatabase;
  let engine: SqlEngine;
  beforeAll(async () => {
    db = await openStandInDatabase(kind, grants);
    engine = db.engine;
    await engine.exec('create table public.probe (id int); insert into public.probe values (1);');
  });
  afterAll(() => db.dispose());

  it.each(['anon', 'authenticated', 'service_role'] as const)('%s on a new public table', async (role) => {
    const outcome = await asRole(engine, role, keyClaims(role === 'authenticated' ? 'anon' : role), 'select id from public.probe').then(
      (rows) => rows.length,
      (e: unknown) => (isSqlError(e) ? e.code : String(e)),
    );
    expect(outcome).toBe(grants === 'legacy' ? 1 : '42501');
  });
});
