import pg from 'pg';
import { createPostgresEngine, type SqlEngine } from '../../../src/db/engine.js';

const ADMIN_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TemporaryDatabase {
  readonly engine: SqlEngine;
  drop(): Promise<void>;
}

async function asAdmin(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A throwaway database on the local PostgreSQL server, with `sql` applied. */
export async function postgresWith(sql: string): Promise<TemporaryDatabase> {
  const name = `types_gen_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await asAdmin(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const engine = await createPostgresEngine(url.toString());
  const drop = async () => {
    await engine.close();
    await asAdmin(`drop database if exists ${name} with (force)`);
  };
  try {
    await engine.exec(sql);
  } catch (error) {
    await drop();
    throw error;
  }
  return { engine, drop };
}
