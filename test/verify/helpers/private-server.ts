import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startPrivatePostgres, type PrivatePostgres } from '../../helpers/private-postgres.js';
import { generatedRepo, removeTempDirs } from './repo.js';

export interface PrivateServerRun {
  readonly server: PrivatePostgres;
  /** A superuser connection to the server's `postgres` database. */
  readonly admin: pg.Client;
  /** A freshly generated repo. */
  readonly repo: string;
}

/**
 * For the file's tests: a private PostgreSQL server (started before them, stopped after them)
 * and a freshly generated repo, handed to `receive` once both are ready.
 */
export function usePrivateServerAndRepo(receive: (run: PrivateServerRun) => void): void {
  let run: PrivateServerRun | null = null;
  beforeAll(async () => {
    const [server, repo] = await Promise.all([startPrivatePostgres(), generatedRepo()]);
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    run = { server, admin, repo };
    receive(run);
  });
  afterAll(async () => {
    await run?.admin.end();
    await run?.server.stop();
    await removeTempDirs();
  });
}

/** `pg_dumpall --roles-only` or `--globals-only` of a server, comparable between two dumps. */
export async function dumpServer(url: string, what: '--roles-only' | '--globals-only'): Promise<string> {
  const { stdout } = await execa('pg_dumpall', [what, '--dbname', url]);
  // pg_dumpall 15.14+ wraps the dump in \restrict <random key>: the key differs on every dump.
  return stdout.replace(/^\\(un)?restrict \S+$/gm, '\\$1restrict <key>');
}
