import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
export const builtBin = path.join(repoRoot, 'bin', 'create-saas-db.js');

const made: string[] = [];

/** A fresh temp copy of a fixture (or an empty temp dir for `null`). */
export async function tempCopy(fixture: string | null): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `csdb-${fixture ?? 'empty'}-`));
  made.push(dir);
  if (fixture) await cp(path.join(fixturesDir, fixture), dir, { recursive: true });
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
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
        out.set(path.relative(dir, abs).split(path.sep).join('/'), createHash('sha256').update(await readFile(abs)).digest('hex'));
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
