/**
 * A PostgreSQL server of the test's own (initdb into a temp dir, started on a free port), for
 * tests about server-wide state such as roles, which the shared local server cannot isolate:
 * every test file uses it at once. Uses the newest installed server binaries; as root, runs
 * them as the `postgres` user, since PostgreSQL refuses to run as root.
 */
import { execa } from 'execa';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PrivatePostgres {
  /** Superuser `postgres`, database `postgres`, trust auth. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = await serverBinDir();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'csdb-private-pg-'));
  const asServerUser = process.getuid?.() === 0;
  const run = (file: string, args: string[]) =>
    asServerUser ? execa('runuser', ['-u', 'postgres', '--', path.join(bin, file), ...args]) : execa(path.join(bin, file), args);
  if (asServerUser) {
    const { stdout } = await execa('id', ['-u', 'postgres']);
    const { stdout: gid } = await execa('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout), Number(gid));
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  try {
    await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    await run('pg_ctl', [
      '-D',
      data,
      '-w',
      '-l',
      path.join(dir, 'server.log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function serverBinDir(): Promise<string> {
  const root = '/usr/lib/postgresql';
  const versions = (await readdir(root)).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return path.join(root, versions[0]!, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
