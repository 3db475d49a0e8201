import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { applyPlan, realFs, type ApplyFs } from '../../src/apply/apply.js';
import { JOURNAL_FILE, recoverInterruptedRun } from '../../src/apply/journal.js';
import type { Plan, PlannedFile } from '../../src/plan/types.js';
import { hashTree, removeTempDirs, snapshotTree, tempCopy } from '../helpers/fixtures.js';

afterAll(removeTempDirs);

function file(p: string, status: PlannedFile['status'], content: string, previous: string | null = null): PlannedFile {
  return { path: p, group: 'seed', status, reason: '', content, previous, forceable: status === 'overwrite' };
}

function plan(root: string, files: PlannedFile[]): Plan {
  return { root, files, notes: [], nextSteps: [], addedWebDependencies: [] };
}

/** Fails the nth rename (the moment a file would land), after earlier files were written. */
function failingFs(failOnRename: number): ApplyFs {
  let renames = 0;
  return {
    ...realFs,
    rename: async (from, to) => {
      if (++renames === failOnRename) throw new Error('disk full (injected)');
      return realFs.rename(from, to);
    },
  };
}

async function listAll(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe('applyPlan', () => {
  it('writes new files, overwrites with a backup and updates in place', async () => {
    const root = await tempCopy(null);
    await writeFile(path.join(root, 'keep.txt'), 'old');
    await writeFile(path.join(root, 'package.json'), '{}\n');
    const result = await applyPlan(
      plan(root, [
        file('a/b/new.sql', 'create', 'new'),
        file('keep.txt', 'overwrite', 'replaced', 'old'),
        file('package.json', 'update', '{"a":1}\n', '{}\n'),
        file('skipped.txt', 'skip', 'x'),
      ]),
    );
    expect(await readFile(path.join(root, 'a/b/new.sql'), 'utf8')).toBe('new');
    expect(await readFile(path.join(root, 'keep.txt'), 'utf8')).toBe('replaced');
    expect(await readFile(path.join(root, 'keep.txt.bak'), 'utf8')).toBe('old');
    expect(result.backups).toEqual([{ path: 'keep.txt', backup: 'keep.txt.bak' }]);
    expect(await listAll(root)).toEqual(['a', 'a/b', 'a/b/new.sql', 'keep.txt', 'keep.txt.bak', 'package.json']);
  });

  it('rolls everything back when a write fails in the middle', async () => {
    const root = await tempCopy('phase03-monorepo');
    const before = await hashTree(root);
    const listing = await listAll(root);
    const onDisk = (p: string) => readFile(path.join(root, p), 'utf8');
    const files = [
      file('supabase/migrations/00001_initial_schema.sql', 'create', 'one'),
      file('apps/web/package.json', 'update', '{}', await onDisk('apps/web/package.json')),
      file('supabase/config.toml', 'overwrite', 'changed', await onDisk('supabase/config.toml')),
      file('apps/web/lib/supabase/client.ts', 'create', 'two'),
      file('packages/backend/src/database.py', 'create', 'three'),
    ];
    for (const failAt of [1, 2, 3, 4, 5]) {
      await expect(applyPlan(plan(root, files), { fs: failingFs(failAt) })).rejects.toThrow(/disk full \(injected\).*undone/);
      expect(await hashTree(root)).toEqual(before);
      expect(await listAll(root)).toEqual(listing);
    }
  });

  it('stops and undoes everything when aborted (SIGINT)', async () => {
    const root = await tempCopy(null);
    const controller = new AbortController();
    const fs: ApplyFs = {
      ...realFs,
      rename: async (from, to) => {
        await realFs.rename(from, to);
        controller.abort();
      },
    };
    await expect(
      applyPlan(plan(root, [file('one.txt', 'create', '1'), file('two.txt', 'create', '2')]), { fs, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(await listAll(root)).toEqual([]);
  });

  it('a file changed since the plan was made is a conflict: nothing of the run stays written', async () => {
    const root = await tempCopy(null);
    await writeFile(path.join(root, 'package.json'), '{"edited":"by another program"}\n');
    const before = await snapshotTree(root);
    const run = applyPlan(plan(root, [file('new.txt', 'create', 'x'), file('package.json', 'update', '{"a":1}\n', '{}\n')]));
    await expect(run).rejects.toMatchObject({
      code: 'conflict',
      message: 'package.json changed since the plan was made (by another program?): nothing was written; run again',
    });
    expect(await snapshotTree(root)).toEqual(before);
  });

  it('a file that appears after the plan was made is never overwritten', async () => {
    const root = await tempCopy(null);
    await writeFile(path.join(root, 'seed.sql'), '-- written meanwhile\n');
    const before = await snapshotTree(root);
    await expect(applyPlan(plan(root, [file('a.txt', 'create', 'x'), file('seed.sql', 'create', 'ours')]))).rejects.toThrow(
      /seed\.sql appeared while writing; nothing was overwritten/,
    );
    expect(await snapshotTree(root)).toEqual(before);
  });

  it('refuses to modify an existing migration before writing anything', async () => {
    const root = await tempCopy(null);
    await expect(
      applyPlan(plan(root, [file('new.txt', 'create', 'x'), file('supabase/migrations/00001_a.sql', 'overwrite', 'y', 'z')])),
    ).rejects.toThrow(/refusing to modify the existing migration/);
    expect(await listAll(root)).toEqual([]);
  });

  it('refuses writes that a symlink would send outside the target', async () => {
    const root = await tempCopy(null);
    const outside = await tempCopy(null);
    await mkdir(path.join(root, 'apps'));
    await symlink(outside, path.join(root, 'apps', 'web'));
    await expect(applyPlan(plan(root, [file('ok.txt', 'create', 'x'), file('apps/web/lib/x.ts', 'create', 'y')]))).rejects.toMatchObject({
      code: 'target',
    });
    expect(await listAll(outside)).toEqual([]);
    expect(await listAll(root)).toEqual(['apps', 'apps/web']);
  });
});

describe('the run journal', () => {
  it('a run that stops dead mid-write is undone from its journal, large previous contents included', async () => {
    const root = await tempCopy(null);
    const large = `${'x'.repeat(100 * 1024)}\n`;
    await writeFile(path.join(root, 'big.json'), large);
    const before = await snapshotTree(root);
    // The third file's rename never returns: the process is as good as killed at that moment.
    let renames = 0;
    const frozen: ApplyFs = {
      ...realFs,
      rename: (from, to) => (++renames === 3 ? new Promise<never>(() => undefined) : realFs.rename(from, to)),
    };
    void applyPlan(
      plan(root, [file('big.json', 'update', '{}\n', large), file('a/new.txt', 'create', 'new'), file('b/other.txt', 'create', 'x')]),
      { fs: frozen },
    );
    await vi.waitFor(() => expect(renames).toBe(3));
    const journal = JSON.parse(await readFile(path.join(root, JOURNAL_FILE), 'utf8')) as {
      steps: Array<{ kind: string; original?: object }>;
    };
    expect(journal.steps.map((s) => s.kind)).toEqual(['replaced', 'dir', 'created', 'dir', 'created']);
    expect(journal.steps[0]!.original).toHaveProperty('copy');
    expect(await recoverInterruptedRun(root)).toMatchObject({ pid: process.pid, undone: 5 });
    expect(await snapshotTree(root)).toEqual(before);
    expect(await recoverInterruptedRun(root)).toBeNull();
  });

  it("a file's new directories are recorded with it, before the first is made: a stop between them is undone", async () => {
    const root = await tempCopy(null);
    const before = await snapshotTree(root);
    // The second directory's mkdir never returns: the first exists, the second and the file do not.
    let mkdirs = 0;
    const frozen: ApplyFs = {
      ...realFs,
      mkdir: (dir) => (++mkdirs === 2 ? new Promise<never>(() => undefined) : realFs.mkdir(dir)),
    };
    void applyPlan(plan(root, [file('a/b/new.txt', 'create', 'new')]), { fs: frozen });
    await vi.waitFor(() => expect(mkdirs).toBe(2));
    const journal = JSON.parse(await readFile(path.join(root, JOURNAL_FILE), 'utf8')) as { steps: Array<{ kind: string; abs: string }> };
    expect(journal.steps.map((s) => [s.kind, path.relative(root, s.abs)])).toEqual([
      ['dir', 'a'],
      ['dir', path.join('a', 'b')],
      ['created', path.join('a', 'b', 'new.txt')],
    ]);
    expect(await listAll(root)).toContain('a');
    expect(await recoverInterruptedRun(root)).toMatchObject({ pid: process.pid, undone: 3 });
    expect(await snapshotTree(root)).toEqual(before);
  });

  it('a file that another process puts in a directory appearing while the run makes it stays', async () => {
    const root = await tempCopy(null);
    let mkdirs = 0;
    const racing: ApplyFs = {
      ...realFs,
      mkdir: async (dir) => {
        if (++mkdirs === 2) {
          // Another process makes the directory and the file first.
          await mkdir(dir);
          await writeFile(path.join(dir, 'new.txt'), 'theirs');
        }
        return realFs.mkdir(dir);
      },
    };
    await expect(applyPlan(plan(root, [file('a/b/new.txt', 'create', 'ours')]), { fs: racing })).rejects.toThrow(/EEXIST.*undone/);
    expect(await readFile(path.join(root, 'a/b/new.txt'), 'utf8')).toBe('theirs');
    expect(await recoverInterruptedRun(root)).toBeNull();
  });

  it('a directory that cannot be made undoes the run, the directories made before it included', async () => {
    const root = await tempCopy(null);
    await writeFile(path.join(root, 'keep.txt'), 'old');
    const before = await snapshotTree(root);
    let mkdirs = 0;
    const failing: ApplyFs = {
      ...realFs,
      mkdir: async (dir) => {
        if (++mkdirs === 2) throw new Error('no space left (injected)');
        return realFs.mkdir(dir);
      },
    };
    await expect(
      applyPlan(plan(root, [file('keep.txt', 'overwrite', 'replaced', 'old'), file('a/b/new.txt', 'create', 'new')]), { fs: failing }),
    ).rejects.toThrow(/no space left \(injected\).*undone/);
    expect(await snapshotTree(root)).toEqual(before);
  });
});
