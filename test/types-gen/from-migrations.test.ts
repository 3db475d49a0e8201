import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/db/apply-migrations.js';
import { CACHE_DIR_ENV, openPreparedEngine, PACKAGED_IMAGE_ENV } from '../../src/db/engine-cache.js';
import { typesForMigrations } from '../../src/types-gen/index.js';
import { ADD_COLUMN_MIGRATION, INIT_MIGRATION } from './support/migrations.js';

describe('typesForMigrations', () => {
  it('applies the migrations over the Supabase stand-in and renders their public schema', async () => {
    const output = await typesForMigrations([INIT_MIGRATION], { literalUnions: true });
    expect(output).toContain('      jobs: {\n        Row: {\n');
    expect(output).toContain('          status: "queued" | "processing" | "completed" | "failed"\n');
    expect(output).toContain('          email: string | null\n');
    expect(output).toContain('          id?: string\n'); // jobs.id has a default
    expect(output).toContain('referencedRelation: "users"');
    // Nothing of the stand-in leaks into public.
    expect(output).not.toMatch(/uuid_generate_v4|auth\.|"auth"/);
  });

  it('changes the types when a migration adds a column, and only there', async () => {
    const before = await typesForMigrations([INIT_MIGRATION], { literalUnions: true });
    const after = await typesForMigrations([INIT_MIGRATION, ADD_COLUMN_MIGRATION], { literalUnions: true });
    expect(before).not.toContain('nickname');
    expect(after).toContain('          nickname: string | null\n');
    expect(after).toContain('          nickname?: string | null\n');
    expect(after.replace(/^ *nickname\??: string \| null\n/gm, '')).toBe(before);
  });

  it('applies them on an engine that logs every change, as each file commits', async () => {
    const probe = {
      name: 'supabase/migrations/20240101000000_wal_probe.sql',
      sql: `do $$ begin execute format('create table public.wal_%s (id int primary key)', current_setting('wal_level')); end $$;\n`,
    };
    expect(await typesForMigrations([probe], { literalUnions: true })).toContain('      wal_replica: {\n');
  });

  it('gives the same bytes for the same migrations', async () => {
    const first = await typesForMigrations([INIT_MIGRATION, ADD_COLUMN_MIGRATION], { literalUnions: false });
    const second = await typesForMigrations([INIT_MIGRATION, ADD_COLUMN_MIGRATION], { literalUnions: false });
    expect(second).toBe(first);
    expect(first).toContain('          subscription_tier: string\n');
  });

  it('reads an engine that already ran exactly these migrations instead of booting one', async () => {
    const { engine } = await openPreparedEngine('current');
    try {
      await applyMigrations(engine, [INIT_MIGRATION]);
      const fresh = await typesForMigrations([INIT_MIGRATION], { literalUnions: true });
      const appliedOn = { engine, applied: [INIT_MIGRATION] };
      expect(await typesForMigrations([INIT_MIGRATION], { literalUnions: true, appliedOn })).toBe(fresh);
      // A column no migration adds shows only when the types are read from that engine.
      await engine.exec('alter table public.jobs add column only_on_this_engine text');
      expect(await typesForMigrations([INIT_MIGRATION], { literalUnions: true, appliedOn })).toContain('only_on_this_engine');
      // Other migrations than the engine ran: a new engine, as without it.
      const other = await typesForMigrations([INIT_MIGRATION, ADD_COLUMN_MIGRATION], { literalUnions: true, appliedOn });
      expect(other).not.toContain('only_on_this_engine');
      expect(other).toBe(await typesForMigrations([INIT_MIGRATION, ADD_COLUMN_MIGRATION], { literalUnions: true }));
    } finally {
      await engine.close();
    }
  });

  it("gives the same types from the package's engine image, a freshly prepared engine and a cached image", async () => {
    const fromPackage = await typesForMigrations([INIT_MIGRATION], { literalUnions: true });
    const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'types-engine-cache-'));
    const previous = { cache: process.env[CACHE_DIR_ENV], image: process.env[PACKAGED_IMAGE_ENV] };
    process.env[CACHE_DIR_ENV] = cacheDir;
    process.env[PACKAGED_IMAGE_ENV] = 'off';
    try {
      const built = await typesForMigrations([INIT_MIGRATION], { literalUnions: true });
      expect(await readdir(cacheDir)).not.toEqual([]);
      // The migration calls uuid_generate_v4() unqualified: it needs the postgres role's search_path.
      const cached = await typesForMigrations([INIT_MIGRATION], { literalUnions: true });
      expect(cached).toBe(built);
      expect(fromPackage).toBe(built);
    } finally {
      restoreEnv(CACHE_DIR_ENV, previous.cache);
      restoreEnv(PACKAGED_IMAGE_ENV, previous.image);
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
