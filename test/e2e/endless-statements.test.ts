import { execa } from 'execa';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ENGINE_DATA_DIR_PREFIX } from '../../src/db/engine-data-dir.js';
import { DATA_ON_DISK_CHARS } from '../../src/db/engine-data-dir.js';
import { builtBin, removeTempDirs, tempCopy } from '../helpers/fixtures.js';
import { runBin, runJson } from '../helpers/run-bin.js';
import { check, copyRepo, runVerifyJson, verifyBin } from '../verify/helpers/repo.js';

/**
 * A repo migration that never ends, on the embedded engine: the statement time limit
 * (--statement-timeout) stops it and names the file and the statement, in verify, `types` and the
 * generator's types step; SIGINT and SIGTERM stop it at once. Before the engine ran in a worker
 * thread, each of these runs hung.
 */
const LOOP = 'do $$ begin loop end loop; end $$';
const SLEEP = 'select pg_sleep(600)';
const MIGRATION = 'supabase/migrations/00003_endless.sql';
const endless = (statement: string) => `create table public.before_it (id int);\n\n${statement};\nselect 1;\n`;

let generated: string;

beforeAll(async () => {
  generated = await tempCopy('phase03-monorepo');
  const result = await runBin([generated, '--yes', '--no-install', '--naming', 'sequential']);
  expect(result.exitCode, result.stderr).toBe(0);
});

afterAll(removeTempDirs);

async function repoWith(statement: string): Promise<string> {
  const repo = await copyRepo(generated, 'endless');
  await writeFile(path.join(repo, MIGRATION), endless(statement));
  return repo;
}

describe.each([
  ['an endless loop', LOOP],
  ['pg_sleep', SLEEP],
])('a migration with %s, --statement-timeout 2', (_label, statement) => {
  it('verify fails the migrations check naming the file, line and statement, and runs no other grant mode', async () => {
    const repo = await repoWith(statement);
    const { exitCode, report } = await runVerifyJson(['04', repo, '--statement-timeout', '2', '--skip', 'typescript,python']);
    expect(exitCode).toBe(1);
    const migrations = check(report, 'migrations');
    expect(migrations.status).toBe('fail');
    expect(migrations.findings).toEqual([
      {
        message: expect.stringContaining(`statement timeout: a statement ran longer than 2 s (--statement-timeout): ${statement};`),
        location: { file: MIGRATION, line: 3 },
      },
    ]);
    expect(check(report, 'seed').reason).toContain('not run: a statement ran past --statement-timeout with legacy grants (current grants)');
  });

  it('types exits 1 naming the file, line and statement', async () => {
    const repo = await repoWith(statement);
    const result = await runBin(['types', repo, '--statement-timeout', '2']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `${MIGRATION}:3: statement timeout: a statement ran longer than 2 s (--statement-timeout): ${statement};`,
    );
  });

  it("the generator writes the files and notes that the repo's migrations stopped its types step", async () => {
    const target = await tempCopy(null);
    await mkdir(path.join(target, 'supabase', 'migrations'), { recursive: true });
    await writeFile(path.join(target, 'supabase/migrations/20240101000000_endless.sql'), endless(statement));
    const { result, report } = await runJson([target, '--yes', '--no-install', '--statement-timeout', '2']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report.notes).toContainEqual(
      expect.stringContaining(
        `types not generated (20240101000000_endless.sql:3: statement timeout: a statement ran longer than 2 s (--statement-timeout): ${statement};)`,
      ),
    );
  });
});

describe('SIGINT and SIGTERM while the embedded engine runs an endless loop', () => {
  const commands: Array<[string, (repo: string) => string[]]> = [
    ['verify-phase 04', (repo) => [verifyBin, '04', repo, '--skip', 'typescript,python']],
    ['create-saas-db types', (repo) => [builtBin, 'types', repo]],
    ['create-saas-db', (repo) => [builtBin, repo, '--yes', '--no-install', '--naming', 'sequential']],
  ];
  const runs = commands.flatMap(([name, args]) => (['SIGINT', 'SIGTERM'] as const).map((signal) => [name, signal, args] as const));

  it.each(runs)('%s, %s: exit 130 and no process left', async (_name, signal, args) => {
    let repo: string;
    if (_name === 'create-saas-db') {
      // The generator's types step applies the repo's own migrations.
      repo = await tempCopy(null);
      await mkdir(path.join(repo, 'supabase', 'migrations'), { recursive: true });
      await writeFile(path.join(repo, 'supabase/migrations/00001_endless.sql'), endless(LOOP));
    } else {
      repo = await repoWith(LOOP);
    }
    // No time limit that would end the loop before the signal does.
    const child = execa(process.execPath, [...args(repo), '--statement-timeout', '3600'], {
      reject: false,
      stdin: 'ignore',
      timeout: 100_000,
      env: { CI: 'true' },
    });
    // Long enough for the engine to boot and enter the loop (booting takes about a second).
    await sleep(4_000);
    expect(child.exitCode, 'the run ended before the signal').toBeNull();
    child.kill(signal);
    const result = await child;
    expect(result.timedOut).toBe(false);
    expect(result.exitCode, String(result.stderr)).toBe(130);
    expect(String(result.stderr)).toMatch(/interrupted/);
    expect(() => process.kill(child.pid!, 0)).toThrow();
  });
});

describe('SIGINT, SIGTERM and SIGHUP while the engine of a repo with much SQL, its data on disk, runs an endless loop', () => {
  const engineDirs = async (tmp: string) => (await readdir(tmp)).filter((name) => name.startsWith(ENGINE_DATA_DIR_PREFIX));
  /** Verify on `repo` with its temporary directory in `tmp`, statements unlimited. */
  const verifyIn = (repo: string, tmp: string) =>
    execa(process.execPath, [verifyBin, '04', repo, '--skip', 'typescript,python', '--statement-timeout', '3600'], {
      reject: false,
      stdin: 'ignore',
      timeout: 100_000,
      env: { CI: 'true', TMPDIR: tmp },
    });

  it.each([['SIGINT'], ['SIGTERM'], ['SIGHUP']] as const)('%s: exit 130, and the data directory is gone', async (signal) => {
    const repo = await copyRepo(generated, 'endless-large');
    const padding = '-- a repo with more SQL than the engine keeps in memory\n';
    await writeFile(path.join(repo, MIGRATION), padding.repeat(Math.ceil(DATA_ON_DISK_CHARS / padding.length) + 1) + endless(LOOP));
    const tmp = await tempCopy(null);
    const child = verifyIn(repo, tmp);
    await vi.waitFor(async () => expect(await engineDirs(tmp)).toHaveLength(1), { timeout: 60_000, interval: 100 });
    // Long enough for the engine to enter the loop.
    await sleep(2_000);
    expect(child.exitCode, 'the run ended before the signal').toBeNull();
    child.kill(signal);
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(130);
    expect(await engineDirs(tmp)).toEqual([]);
  });

  it('a repo with little SQL keeps its data in memory', async () => {
    const repo = await repoWith(LOOP);
    const tmp = await tempCopy(null);
    const child = verifyIn(repo, tmp);
    await sleep(4_000);
    expect(child.exitCode, 'the run ended before the check').toBeNull();
    expect(await engineDirs(tmp)).toEqual([]);
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(130);
  });
});
