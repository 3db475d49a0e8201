import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
export const builtBin = path.join(repoRoot, 'bin', 'create-saas-db.js');

/** Every temp dir the tests made in this process, for removeTempDirs. */
const made: string[] = [];

/** A fresh empty temp dir, `csdb-<label>-…`, removed by removeTempDirs. */
export async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `csdb-${label}-`));
  made.push(dir);
  return dir;
}

/** A fresh temp copy of a fixture (or an empty temp dir for `null`). */
export async function tempCopy(fixture: string | null): Promise<string> {
  const dir = await tempDir(fixture ?? 'empty');
  if (fixture) await cp(path.join(fixturesDir, fixture), dir, { recursive: true });
  return dir;
}

/** A fresh temp repo holding `files` (relative paths, empty content). */
export async function tempRepoWith(files: readonly string[]): Promise<string> {
  const root = await tempCopy(null);
  for (const file of files) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), '');
  }
  return root;
}

export async function removeTempDirs(): Promise<void> {
  // A child process that is still winding down may add a file while the tree is removed: retried.
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5 })));
}

/** sha256 of every file under dir (relative posix path → hash). */
export async function hashTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(current: string): Promise<void> {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const abs = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') await walk(abs);
      } else if (entry.isFile()) {
        out.set(
          path.relative(dir, abs).split(path.sep).join('/'),
          createHash('sha256')
            .update(await readFile(abs))
            .digest('hex'),
        );
      }
    }
  }
  await walk(dir);
  return out;
}

/** Every file of `before` still has the same hash in `after`. */
export function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before].filter(([file, hash]) => after.get(file) !== hash).map(([file]) => file);
}

/**
 * Everything about a tree a run could damage: per entry (files, directories, symlinks, others)
 * its kind, mode, owner, link count, symlink target and file content hash.
 */
export async function snapshotTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(current: string): Promise<void> {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const abs = path.join(current, entry.name);
      const rel = path.relative(dir, abs).split(path.sep).join('/');
      const s = await lstat(abs);
      const identity = `mode=${s.mode.toString(8)} uid=${s.uid} gid=${s.gid} nlink=${s.nlink}`;
      if (s.isSymbolicLink()) out.set(rel, `symlink -> ${await readlink(abs)} ${identity}`);
      else if (s.isFile())
        out.set(
          rel,
          `file ${createHash('sha256')
            .update(await readFile(abs))
            .digest('hex')} ${identity}`,
        );
      else if (s.isDirectory()) {
        out.set(rel, `dir ${identity}`);
        if (entry.name !== 'node_modules') await walk(abs);
      } else out.set(rel, `other ${identity}`);
    }
  }
  await walk(dir);
  return out;
}
