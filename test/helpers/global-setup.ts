import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPostgresEngine } from '../../src/db/engine.js';
import { rolesSql } from '../../src/emulation/install.js';
import { ADMIN_URL } from './db-postgres.js';

/**
 * The local PostgreSQL is shared by every test file at once, and roles belong to the server: a
 * `verify --db-url` run drops the roles it created, which would pull them from under a test
 * running beside it. So, like a Supabase server, it has them (NOLOGIN) before any test starts; the tests
 * on a server without them use a private one (private-postgres.ts).
 */
export default async function setup(): Promise<void> {
  // The TypeScript check and the embedded engine run in worker threads started from dist/: built from the sources under test.
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-workers.mjs', import.meta.url))], {
    stdio: 'inherit',
  });
  const engine = await createPostgresEngine(ADMIN_URL);
  try {
    await engine.exec(rolesSql());
  } finally {
    await engine.close();
  }
}
