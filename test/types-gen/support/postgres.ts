import pg from 'pg';

const ADMIN_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TemporaryDatabase {
  readonly client: pg.Client;
  drop(): Promise<void>;
}

/** A throwaway database on the local PostgreSQL server, with `sql` applied. */
export async function postgresWith(sql: string): Promise<TemporaryDatabase> {
  const name = `types_gen_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();

  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query(sql);
  return {
    client,
    async drop() {
      await client.end();
      const cleanup = new pg.Client({ connectionString: ADMIN_URL });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
