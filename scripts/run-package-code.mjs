// Runs a snippet of the package's own TypeScript at build time: bundled with esbuild to a scratch
// file inside the package (for its package.json and node_modules, in a git-ignored directory) and
// run in a child process, so what it writes comes from the same code the installed package runs.
// Returns what the snippet printed on stdout, trimmed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function runPackageCode(name, contents, args = []) {
  const scratch = path.join(packageRoot, '.cache', `build-${name}`);
  const entry = path.join(scratch, `${name}.mjs`);
  mkdirSync(scratch, { recursive: true });
  try {
    await build({
      stdin: { contents, resolveDir: packageRoot, sourcefile: `${name}.ts`, loader: 'ts' },
      outfile: entry,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    });
    return execFileSync(process.execPath, [entry, ...args], { encoding: 'utf8' }).trim();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
