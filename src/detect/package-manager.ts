import path from 'node:path';
import type { PackageManager } from './facts.js';
import { isFile } from './fs-probe.js';

const LOCKFILES: ReadonlyArray<readonly [string, PackageManager]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['package-lock.json', 'npm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
];

/** `packageManager` field first (corepack's source of truth), then lockfiles, then npm. */
export async function detectPackageManager(root: string, rootPackageJson: Record<string, unknown> | null): Promise<PackageManager> {
  const field = rootPackageJson?.['packageManager'];
  if (typeof field === 'string') {
    const name = field.split('@')[0];
    if (name === 'pnpm' || name === 'npm' || name === 'yarn' || name === 'bun') return name;
  }
  const present = await Promise.all(LOCKFILES.map(([file]) => isFile(path.join(root, file))));
  const hit = LOCKFILES.find((_, i) => present[i]);
  return hit ? hit[1] : 'npm';
}
