import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { chmod, chown, link, lstat, mkdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lockPathFor } from '../../src/apply/lock.js';
import { removeTempDirs, snapshotTree, tempCopy } from '../helpers/fixtures.js';
import { runBin, runJson } from '../helpers/run-bin.js';

afterAll(removeTempDirs);

const flags = ['--yes', '--no-install', '--no-types'];

/** The entries whose snapshot changed, appeared or disappeared. */
function differences(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

/** A repo where supabase/seed.sql is the user's own, reached through a symlink. */
async function repoWithLinkedSeed(to: (dir: string) => Promise<string>): Promise<string> {
  const dir = await tempCopy('phase03-monorepo');
  await mkdir(path.join(dir, 'supabase'), { recursive: true });
  await symlink(await to(dir), path.join(dir, 'supabase/seed.sql'));
  return dir;
}

describe('generate never damages a user file', () => {
  it('a seed.sql symlinked inside the repo: --force writes through the link and keeps it', async () => {
    const dir = await repoWithLinkedSeed(async (d) => {
      await mkdir(path.join(d, 'db'));
      await writeFile(path.join(d, 'db/seed.sql'), '-- my seed\n');
      return '../db/seed.sql';
    });
    const before = await snapshotTree(dir);
    const kept = await runJson([dir, ...flags]);
    expect(kept.result.exitCode, kept.result.stderr).toBe(3);
    expect(kept.report.files.find((f) => f.path === 'supabase/seed.sql')?.status).toBe('conflict');
    expect((await snapshotTree(dir)).get('db/seed.sql')).toBe(before.get('db/seed.sql'));

    const forced = await runJson([dir, ...flags, '--force']);
    expect(forced.result.exitCode, forced.result.stderr).toBe(0);
    expect((await lstat(path.join(dir, 'supabase/seed.sql'))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(dir, 'supabase/seed.sql'))).toBe('../db/seed.sql');
    expect(await readFile(path.join(dir, 'db/seed.sql'), 'utf8')).toContain('insert into');
    expect(await readFile(path.join(dir, 'supabase/seed.sql.bak'), 'utf8')).toBe('-- my seed\n');
  });

  it('a seed.sql symlinked outside the repo: refused with exit 2, nothing written on either side', async () => {
    const outside = await tempCopy(null);
    await writeFile(path.join(outside, 'seed.sql'), '-- elsewhere\n');
    const dir = await repoWithLinkedSeed(async () => path.join(outside, 'seed.sql'));
    const before = await snapshotTree(dir);
    const outsideBefore = await snapshotTree(outside);
    const run = await runBin([dir, ...flags, '--force']);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^create-saas-db: supabase\/seed\.sql resolves outside the target directory/);
    expect(await snapshotTree(dir)).toEqual(before);
    expect(await snapshotTree(outside)).toEqual(outsideBefore);
  });

  it('a seed.sql symlink to a missing file is refused, not replaced', async () => {
    const dir = await repoWithLinkedSeed(async () => '../db/missing.sql');
    const before = await snapshotTree(dir);
    const run = await runBin([dir, ...flags]);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr.trim()).toMatch(/^create-saas-db: supabase\/seed\.sql is a symlink to a missing file: refusing to replace it$/);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('a package.json symlinked inside the repo gets its dependencies through the link', async () => {
    const dir = await tempCopy('phase03-monorepo');
    await mkdir(path.join(dir, 'shared'));
    await rename(path.join(dir, 'apps/web/package.json'), path.join(dir, 'shared/web-package.json'));
    await symlink('../../shared/web-package.json', path.join(dir, 'apps/web/package.json'));
    const { result, report } = await runJson([dir, ...flags]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report.files.find((f) => f.path === 'apps/web/package.json')?.status).toBe('update');
    expect(await readlink(path.join(dir, 'apps/web/package.json'))).toBe('../../shared/web-package.json');
    expect(JSON.parse(await readFile(path.join(dir, 'shared/web-package.json'), 'utf8')).dependencies['@supabase/ssr']).toBeDefined();
  });

  it('a hard-linked seed.sql keeps its link under --force', async () => {
    const dir = await tempCopy('phase03-monorepo');
    await writeFile(path.join(dir, 'supabase/seed.sql'), '-- my seed\n');
    await link(path.join(dir, 'supabase/seed.sql'), path.join(dir, 'seed-copy.sql'));
    const run = await runJson([dir, ...flags, '--force']);
    expect(run.result.exitCode, run.result.stderr).toBe(0);
    const [seed, copy] = await Promise.all([stat(path.join(dir, 'supabase/seed.sql')), stat(path.join(dir, 'seed-copy.sql'))]);
    expect(seed.nlink).toBe(2);
    expect(seed.ino).toBe(copy.ino);
    expect(await readFile(path.join(dir, 'seed-copy.sql'), 'utf8')).toContain('insert into');
    expect(await readFile(path.join(dir, 'supabase/seed.sql.bak'), 'utf8')).toBe('-- my seed\n');
  });

  it('keeps the mode and owner of a rewritten package.json', async () => {
    const dir = await tempCopy('phase03-monorepo');
    const manifest = path.join(dir, 'apps/web/package.json');
    await chmod(manifest, 0o640);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await chown(manifest, 4321, 4322);
    const before = await stat(manifest);
    const run = await runBin([dir, ...flags]);
    expect(run.exitCode, run.stderr).toBe(0);
    const after = await stat(manifest);
    expect(after.mode & 0o7777).toBe(0o640);
    expect([after.uid, after.gid]).toEqual([before.uid, before.gid]);
    if (asRoot) expect(after.uid).toBe(4321);
    expect(await readFile(manifest, 'utf8')).toContain('@supabase/ssr');
  });

  it('a file in supabase/migrations reached through another symlinked path is never modified', async () => {
    const dir = await tempCopy('phase03-monorepo');
    await mkdir(path.join(dir, 'supabase/migrations'), { recursive: true });
    await writeFile(path.join(dir, 'supabase/migrations/03_rls.test.sql'), '-- an old migration of mine\n');
    await mkdir(path.join(dir, 'supabase/tests'), { recursive: true });
    await symlink('../migrations', path.join(dir, 'supabase/tests/database'));
    const before = await snapshotTree(dir);
    // --append: without it the pgTAP tests are skipped with the migrations they need.
    const run = await runBin([dir, ...flags, '--force', '--append']);
    expect(run.exitCode, run.stderr).toBe(2);
    expect(run.stderr.trim()).toMatch(
      /^create-saas-db: supabase\/tests\/database\/03_rls\.test\.sql is the existing migration supabase\/migrations\/03_rls\.test\.sql \(through a symlink\): refusing to modify it$/,
    );
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('supabase/migrations as a symlinked directory: --append --force adds ours and leaves the existing ones', async () => {
    const dir = await tempCopy('migrations-sequential');
    await mkdir(path.join(dir, 'db'));
    await rename(path.join(dir, 'supabase/migrations'), path.join(dir, 'db/migrations'));
    await symlink('../db/migrations', path.join(dir, 'supabase/migrations'));
    const before = await snapshotTree(dir);
    const run = await runJson([dir, ...flags, '--append', '--force']);
    expect(run.result.exitCode, run.result.stderr).toBe(0);
    const after = await snapshotTree(dir);
    for (const [entry, value] of before) if (entry.startsWith('db/migrations/')) expect(after.get(entry), entry).toBe(value);
    expect(differences(before, after).filter((e) => e.startsWith('db/migrations/'))).toEqual([
      'db/migrations/00003_initial_schema.sql',
      'db/migrations/00004_rls_policies.sql',
    ]);
  });
});

describe('one generator at a time on a target', () => {
  it('a run finding the target locked by a live process waits briefly, then exits with a clear message', async () => {
    const dir = await tempCopy('phase03-monorepo');
    const lock = lockPathFor(dir);
    await writeFile(lock, `${process.pid}\n`, { flag: 'wx' });
    try {
      const before = await snapshotTree(dir);
      const run = await runBin([dir, ...flags]);
      expect(run.exitCode, run.stderr).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr.trim()).toBe(
        `create-saas-db: another create-saas-db run (pid ${process.pid}) is working on ${dir}: wait for it to end and run again (lock: ${lock})`,
      );
      expect(await snapshotTree(dir)).toEqual(before);
      expect(await readFile(lock, 'utf8')).toBe(`${process.pid}\n`);
    } finally {
      await rm(lock, { force: true });
    }
  });

  it('a stale lock left by a dead process is taken over, and released at the end', async () => {
    const dir = await tempCopy('phase03-monorepo');
    const dead = await execa(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await writeFile(lockPathFor(dir), `${dead.stdout}\n`, { flag: 'wx' });
    const run = await runBin([dir, ...flags]);
    expect(run.exitCode, run.stderr).toBe(0);
    await expect(stat(lockPathFor(dir))).rejects.toThrow();
  });

  it('two runs at once on the same target leave one complete tree', async () => {
    const parent = await tempCopy(null);
    const dir = path.join(parent, 'app');
    const runs = await Promise.all([runBin([dir, ...flags]), runBin([dir, ...flags])]);
    for (const run of runs) expect([0, 2], run.stderr).toContain(run.exitCode);
    expect(runs.some((run) => run.exitCode === 0)).toBe(true);
    const again = await runJson([dir, ...flags]);
    expect(again.result.exitCode, again.result.stderr).toBe(0);
    for (const f of again.report.files) expect(['unchanged', 'skip'], f.path).toContain(f.status);
    await expect(stat(lockPathFor(dir))).rejects.toThrow();
  });
});
