import { describe, expect, it } from 'vitest';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { engineCacheDir, imageFile, openPreparedEngine } from '../../src/db/engine-cache.js';
import type { EmbeddedSqlEngine } from '../../src/db/engine.js';
import { embeddedProvider } from '../../src/verify/database/provider.js';

describe('the embedded provider', () => {
  it('hands the next grant mode the shared engine as it booted, without what a rollback keeps', async () => {
    const provider = embeddedProvider();
    try {
      const first = await provider.open('legacy');
      expect(first.sharedEngine).toBe(true);
      // The modes' transactions are rolled back: a table they make is never logged.
      expect(await first.engine.query('show wal_level')).toEqual([{ wal_level: 'minimal' }]);
      const [booted] = await first.engine.query<{ search_path: string }>('show search_path');
      expect(booted!.search_path).toMatch(/extensions/);
      await first.engine.exec('prepare job_probe as select 1; select pg_advisory_lock(4242); set search_path = public;');
      await first.close();

      const second = await provider.open('current');
      expect(second.sharedEngine).toBe(true);
      expect(await second.engine.query('select name from pg_prepared_statements')).toEqual([]);
      expect(await second.engine.query(`select count(*)::int as n from pg_locks where locktype = 'advisory'`)).toEqual([{ n: 0 }]);
      expect(await second.engine.query('show search_path')).toEqual([booted]);
      // The same statement again: it would fail if the first mode's were still prepared.
      await second.engine.exec('prepare job_probe as select 1');
      await second.close();
    } finally {
      await provider.close();
    }
  });

  it('gives modes with an engine each leave to run side by side on a machine with two cores: two engines, each its own mode', async () => {
    const provider = embeddedProvider(undefined, undefined, undefined, { cores: 2, memoryBytes: 4 * 2 ** 30 });
    expect(await provider.concurrentModes?.({ ownDatabases: false })).toBe(false);
    expect(await provider.concurrentModes?.({ ownDatabases: true })).toBe(true);
    const sessions = await Promise.all((['legacy', 'current'] as const).map((mode) => provider.open(mode, { ownDatabase: true })));
    try {
      expect(sessions.map((s) => s.sharedEngine)).toEqual([false, false]);
      expect(sessions[0]!.engine).not.toBe(sessions[1]!.engine);
      // Their files commit one by one: every change is logged (see FILE_COMMITS_SETTINGS).
      for (const { engine } of sessions) expect(await engine.query('show wal_level')).toEqual([{ wal_level: 'replica' }]);
      // Both at work at once, each with its own grant defaults: legacy grants a new table to anon.
      const granted = await Promise.all(
        sessions.map(async ({ engine }) => {
          await engine.exec('create table public.side_by_side (id int)');
          const [row] = await engine.query<{ granted: boolean }>(
            `select has_table_privilege('anon', 'public.side_by_side', 'select') as granted`,
          );
          return row!.granted;
        }),
      );
      expect(granted).toEqual([true, false]);
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
      await provider.close();
    }
  });

  it('closes its idle shared engine when a mode asks for an engine of its own, which runs', async () => {
    const provider = embeddedProvider();
    try {
      const first = await provider.open('legacy');
      expect(first.sharedEngine).toBe(true);
      await first.close();
      const own = await provider.open('current', { ownDatabase: true });
      await expect(first.engine.query('select 1')).rejects.toThrow();
      expect(await own.engine.query('select 1 as one')).toEqual([{ one: 1 }]);
      await own.close();
    } finally {
      await provider.close();
    }
  });

  it('gives a session of its own a new session on a copy of its database, without the custom settings it defined', async () => {
    const provider = embeddedProvider(undefined, undefined, undefined);
    const own = await provider.open('current', { ownDatabase: true });
    try {
      await own.engine.exec(`create table public.kept (id int); insert into public.kept values (1)`);
      await own.engine.exec(`begin; select set_config('request.jwt.claims', '{"role": "anon"}', true); rollback`);
      expect(await own.engine.query(`select current_setting('request.jwt.claims', true) as claims`)).toEqual([{ claims: '' }]);
      const fresh = await own.newSession!();
      try {
        expect(await fresh.engine.query(`select current_setting('request.jwt.claims', true) as claims`)).toEqual([{ claims: null }]);
        expect(await fresh.engine.query('select id from public.kept')).toEqual([{ id: 1 }]);
        expect(await fresh.engine.query('select session_user::text as s, current_user::text as c')).toEqual([
          { s: 'postgres', c: 'postgres' },
        ]);
        // The mode's default privileges are the database's: current grants give anon nothing.
        await fresh.engine.exec('create table public.later (id int)');
        expect(await fresh.engine.query(`select has_table_privilege('anon', 'public.later', 'select') as granted`)).toEqual([
          { granted: false },
        ]);
      } finally {
        await fresh.close();
      }
    } finally {
      await own.close();
      await provider.close();
    }
  });

  it('keeps the data on disk when the run asks for it, whatever the repo', async () => {
    const provider = embeddedProvider(undefined, { dataOnDisk: true }, async () => false);
    try {
      const session = await provider.open('current');
      expect((session.engine as EmbeddedSqlEngine).dataDir).not.toBeNull();
      await session.close();
    } finally {
      await provider.close();
    }
  });

  it('a temporary directory it cannot make is an error of its own, and the cached image is kept', async () => {
    const cached = imageFile(engineCacheDir());
    const before = await stat(cached).catch(() => null);
    const tmpdir = process.env['TMPDIR'];
    process.env['TMPDIR'] = path.join(os.tmpdir(), 'no-such-dir', 'below');
    try {
      await expect(openPreparedEngine('current', { limits: { dataOnDisk: true } })).rejects.toMatchObject({
        code: 'ENOENT',
        syscall: 'mkdtemp',
      });
    } finally {
      if (tmpdir === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = tmpdir;
    }
    if (before) expect((await stat(cached)).mtimeMs).toBe(before.mtimeMs);
  });
});
