import path from 'node:path';
import type { PackageManager } from '../../detect/facts.js';
import { engineCacheDir } from '../../db/engine-cache.js';
import { isFile } from '../../detect/fs-probe.js';
import { typecheckWebFiles } from '../../typecheck/index.js';
import { failed, passed, plural, skipped } from '../outcome.js';
import type { RepoCheck } from '../phase.js';
import type { Finding, RepoContext } from '../types.js';

/**
 * The generated web files compile under `--strict` with the app's own TypeScript and installed
 * packages. Without them installed, the check is skipped with the command that installs them.
 * The compiler runs in a worker thread, beside the other checks; an app whose every input is
 * unchanged since a run in this cache directory gets that run's answer (see typecheck/journal.ts).
 */
export const typescriptCheck: RepoCheck = {
  scope: 'repo',
  name: 'typescript',
  title: 'the web files typecheck in strict mode against the installed packages',
  async run(ctx) {
    const files = await webFilesPresent(ctx);
    if (files.length === 0) return skipped('no web file of the phase exists (see the files check)');
    const appDir = path.join(ctx.root, ctx.facts.web.dir);
    const result = await typecheckWebFiles({
      appDir,
      files: files.map((f) => path.join(ctx.root, f)),
      cacheDir: engineCacheDir(),
      signal: ctx.options.signal,
    });
    switch (result.status) {
      case 'ok':
        return passed();
      case 'missing':
        return skipped(`${result.missing.join(', ')} not installed for the web app: run ${installCommand(ctx, result.missing)}`);
      case 'errors': {
        const findings: Finding[] = result.diagnostics.map((d) => ({
          message: `TS${d.code}: ${d.message}`,
          ...(d.file
            ? { location: { file: fromApp(ctx, d.file), ...(d.line ? { line: d.line } : {}), ...(d.column ? { column: d.column } : {}) } }
            : {}),
        }));
        return failed(`${plural(findings.length, 'type error')}`, findings);
      }
    }
  },
};

async function webFilesPresent(ctx: RepoContext): Promise<string[]> {
  const { web } = ctx.facts;
  const candidates = [...ctx.layout.webFiles, web.proxyFile ?? web.middlewareFile ?? ctx.layout.rootSessionFile];
  const present = await Promise.all(candidates.map((f) => isFile(path.join(ctx.root, f))));
  return candidates.filter((_, i) => present[i]);
}

/** Diagnostic paths are relative to the app (or absolute outside it); findings are relative to the root. */
function fromApp(ctx: RepoContext, file: string): string {
  if (path.isAbsolute(file)) return path.relative(ctx.root, file).split(path.sep).join('/');
  return path.posix.join(ctx.facts.web.dir || '.', file);
}

const ADD: Record<PackageManager, { add: string; dev: string; install: string }> = {
  npm: { add: 'npm install', dev: 'npm install -D', install: 'npm install' },
  pnpm: { add: 'pnpm add', dev: 'pnpm add -D', install: 'pnpm install' },
  yarn: { add: 'yarn add', dev: 'yarn add -D', install: 'yarn install' },
  bun: { add: 'bun add', dev: 'bun add -d', install: 'bun install' },
};

/**
 * `pnpm install` when the app already declares every missing package (they are just not
 * installed), else the `add` commands for the undeclared ones, run in the app directory.
 */
export function installCommand(ctx: RepoContext, missing: readonly string[]): string {
  const pm = ADD[ctx.facts.packageManager];
  const declared = ctx.facts.web.dependencies;
  const undeclared = missing.filter((name) => !(name in declared));
  const inApp = (command: string) => (ctx.facts.web.dir ? `\`cd ${ctx.facts.web.dir} && ${command}\`` : `\`${command}\``);
  if (undeclared.length === 0) return inApp(pm.install);
  const dev = undeclared.filter((name) => name === 'typescript' || name.startsWith('@types/'));
  const runtime = undeclared.filter((name) => !dev.includes(name));
  return [
    ...(runtime.length > 0 ? [inApp(`${pm.add} ${runtime.join(' ')}`)] : []),
    ...(dev.length > 0 ? [inApp(`${pm.dev} ${dev.join(' ')}`)] : []),
  ].join(' and ');
}
