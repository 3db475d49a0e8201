import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { createPostgresEngine } from '../../src/db/engine.js';
import { installEmulation } from '../../src/emulation/install.js';
import { createThrowawayDatabase, isDatabaseAccessError, redactedUrl, urlWithDatabase } from '../../src/db/throwaway-database.js';
import { Cleanups } from '../../src/verify/cleanup.js';
import { ADMIN_URL } from '../helpers/db-postgres.js';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const result = await client.query('select 1 from pg_database where datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('createThrowawayDatabase on PostgreSQL', () => {
  it('creates verify_<hex>, reachable by its URL, and drops it even with a session open', async () => {
    const db = await createThrowawayDatabase(ADMIN_URL);
    expect(db.name).toMatch(/^verify_[0-9a-f]{12}$/);
    const engine = await createPostgresEngine(db.url);
    const [row] = await engine.query<{ name: string }>('select current_database()::text as name');
    expect(row?.name).toBe(db.name);
    await db.drop();
    expect(await databaseExists(db.name)).toBe(false);
    await engine.close();
    await db.drop();
  });

  it('reports a role without CREATEDB as cannot-create', async () => {
    const role = `verify_nocreatedb_${process.pid}`;
    const admin = await createPostgresEngine(ADMIN_URL);
    try {
      await admin.exec(`drop role if exists ${role}; create role ${role} login nocreatedb`);
      const url = new URL(ADMIN_URL);
      url.username = role;
      const error = await createThrowawayDatabase(url.toString()).catch((e: unknown) => e);
      expect(isDatabaseAccessError(error) && error.problem).toBe('cannot-create');
      expect((error as Error).message).toContain('CREATEDB');
    } finally {
      await admin.exec(`drop role if exists ${role}`);
      await admin.close();
    }
  });

  it('reports an unreachable server, leaving no drop registered', async () => {
    const cleanups = new Cleanups();
    const error = await createThrowawayDatabase('postgres://postgres:secret@127.0.0.1:1/postgres', {
      registerDrop: (drop) => cleanups.add(drop),
    }).catch((e: unknown) => e);
    expect(isDatabaseAccessError(error) && error.problem).toBe('unreachable');
    expect((error as Error).message).not.toContain('secret');
    // A drop still registered would try to connect again, and fail.
    expect(await cleanups.runAll()).toEqual([]);
  });

  it('registers the drop before creating: an interruption during CREATE DATABASE leaves nothing behind', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const cleanups = new Cleanups();
      const creating = createThrowawayDatabase(ADMIN_URL, { registerDrop: (drop) => cleanups.add(drop) });
      // As SIGINT's handler does, while CREATE DATABASE has not answered yet.
      expect(await cleanups.runAll()).toEqual([]);
      const db = await creating;
      try {
        expect(await databaseExists(db.name)).toBe(false);
      } finally {
        await db.drop();
      }
    }
  });
});

/** The database as pg_dump --create shows it (settings scoped to it and its owner included), its name replaced. */
async function dumped(name: string, url: string): Promise<string> {
  const { stdout } = await execa('pg_dump', ['--create', '--schema-only', '--dbname', url]);
  // pg_dump 15.14+ wraps the dump in \restrict <random key>: the key differs on every dump.
  return stdout.replace(/^\\(un)?restrict \S+$/gm, '\\$1restrict <key>').replaceAll(name, '<database>');
}

async function withEmulation(url: string): Promise<void> {
  const engine = await createPostgresEngine(url);
  try {
    await installEmulation(engine, { loginRoles: false });
  } finally {
    await engine.close();
  }
}

describe('createThrowawayDatabase with a template', () => {
  it('a copy of a database with the emulation is the database an install makes there', async () => {
    const installed = await createThrowawayDatabase(ADMIN_URL);
    const template = await createThrowawayDatabase(ADMIN_URL);
    let copy: Awaited<ReturnType<typeof createThrowawayDatabase>> | null = null;
    try {
      await withEmulation(installed.url);
      await withEmulation(template.url);
      copy = await createThrowawayDatabase(ADMIN_URL, { template: template.name });
      const expected = await dumped(installed.name, installed.url);
      expect(expected).toMatch(/ALTER ROLE postgres IN DATABASE <database> SET search_path/);
      expect(await dumped(copy.name, copy.url)).toBe(expected);
    } finally {
      await Promise.all([installed.drop(), template.drop(), copy?.drop()]);
    }
  });
});

describe('database URLs', () => {
  it('swaps the database and keeps user, host and options', () => {
    expect(urlWithDatabase('postgres://u:p@h:5433/postgres?sslmode=disable', 'verify_ab')).toBe(
      'postgres://u:p@h:5433/verify_ab?sslmode=disable',
    );
  });
  it('hides the password', () => {
    expect(redactedUrl('postgres://u:p@h/db')).toBe('postgres://u:***@h/db');
  });
});
