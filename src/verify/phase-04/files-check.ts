import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isDirectory, isFile, readText } from '../../detect/fs-probe.js';
import { phaseMigrationNames } from '../../phase-04/inventory.js';
import { SPEC_WEB_MODULES } from '../../phase-04/layout.js';
import { failIfAny, plural } from '../outcome.js';
import type { RepoCheck } from '../phase.js';
import type { Finding, RepoContext } from '../types.js';

/**
 * The phase's files exist where this repo's conventions put them: the migrations in the repo's
 * naming, the web files under `src/` when the app uses `src/app`, one root session file
 * (`proxy.ts` on Next ≥ 16, `middleware.ts` on 15, never both) that calls `updateSession`.
 */
export const filesCheck: RepoCheck = {
  scope: 'repo',
  name: 'files',
  title: "the phase's files exist, in the repo's layout",
  async run(ctx) {
    const warnings: Finding[] = [];
    const groups = await Promise.all([
      migrationFindings(ctx),
      requiredFiles(ctx),
      testFindings(ctx),
      sessionFileFindings(ctx, warnings),
    ]);
    return failIfAny((n) => `${plural(n, 'problem')} with the phase's files`, groups.flat(), warnings);
  },
};

async function requiredFiles(ctx: RepoContext): Promise<Finding[]> {
  const { layout } = ctx;
  const webFiles = [...SPEC_WEB_MODULES, layout.sessionFile].map((name) => `${layout.webLibDir}/${name}.ts`);
  const files = [layout.seedFile, ...webFiles, ...(layout.backendFile ? [layout.backendFile] : [])];
  const present = await Promise.all(files.map((file) => isFile(path.join(ctx.root, file))));
  const missing = files.filter((_, i) => !present[i]);
  return Promise.all(missing.map(async (file) => ({ message: `missing ${file}${await misplacedHint(ctx, file)}` })));
}

/** A web file found beside or inside `src/` instead of where the app's layout wants it. */
async function misplacedHint(ctx: RepoContext, file: string): Promise<string> {
  const { dir, codeDir, usesSrcDir } = ctx.facts.web;
  if (!file.startsWith(codeDir ? `${codeDir}/` : '')) return '';
  const inCode = codeDir ? file.slice(codeDir.length + 1) : file;
  const other = usesSrcDir ? path.posix.join(dir, inCode) : path.posix.join(dir, 'src', inCode);
  if (!(await isFile(path.join(ctx.root, other)))) return '';
  return usesSrcDir
    ? ` (found ${other}: the app uses src/app, so it belongs under ${codeDir}/)`
    : ` (found ${other}: the app has no src/app, so it belongs under ${dir || 'the root'}/)`;
}

async function migrationFindings(ctx: RepoContext): Promise<Finding[]> {
  const { supabase } = ctx.facts;
  const dir = ctx.layout.migrationsDir;
  if (supabase.migrationsDir === 'file') return [{ message: `${dir} is a file, not a directory` }];
  if (supabase.migrationsDir === 'absent') return [{ message: `missing ${dir}/` }];
  const findings: Finding[] = [];
  const expected = await phaseMigrationNames();
  // The whole name after the version: `00000_old_rls_policies.sql` is not the phase's `rls_policies.sql`.
  const found = expected.map((name) => supabase.migrations.find((m) => m.name === `${m.version}_${name}`));
  expected.forEach((name, i) => {
    if (!found[i]) findings.push({ message: `missing ${dir}/<version>_${name}` });
  });
  const ours = found.filter((m) => m !== undefined);
  const order = ours.map((m) => supabase.migrations.indexOf(m));
  if (order.some((position, i) => i > 0 && position < order[i - 1]!)) {
    findings.push({ message: `${ours.map((m) => m.name).join(', ')} must apply in this order, but their versions sort otherwise` });
  }
  const usesTimestamps = supabase.migrations.some((m) => isTimestamp(m.version));
  for (const migration of ours) {
    if (usesTimestamps && !isTimestamp(migration.version)) {
      findings.push({
        message: `${migration.name} has a sequential version in a repo whose migrations use timestamps (YYYYMMDDHHMMSS): rename it with a timestamp after the newest one`,
        location: { file: `${dir}/${migration.name}` },
      });
    }
  }
  return findings;
}

const isTimestamp = (version: string) => /^\d{14}$/.test(version);

async function testFindings(ctx: RepoContext): Promise<Finding[]> {
  const dir = ctx.layout.testsDir;
  const absolute = path.join(ctx.root, dir);
  if (!(await isDirectory(absolute))) return [{ message: `missing ${dir}/ (the pgTAP tests)` }];
  const names = await readdir(absolute);
  return names.some((n) => n.endsWith('.sql')) ? [] : [{ message: `${dir}/ holds no .sql test file` }];
}

/** Exactly one root session file, the one the Next major expects, and it calls updateSession. */
async function sessionFileFindings(ctx: RepoContext, warnings: Finding[]): Promise<Finding[]> {
  const { web } = ctx.facts;
  const { rootSessionFile, sessionFile } = ctx.layout;
  if (web.proxyFile && web.middlewareFile) {
    return [
      {
        message: `both ${web.proxyFile} and ${web.middlewareFile} exist: Next.js refuses to build with both; keep ${rootSessionFile} only`,
        location: { file: sessionFile === 'proxy' ? web.middlewareFile : web.proxyFile },
      },
    ];
  }
  const existing = web.proxyFile ?? web.middlewareFile;
  if (!existing) return [{ message: `missing ${rootSessionFile} (it refreshes the Supabase session on every request)` }];
  if (sessionFile === 'middleware' && web.proxyFile) {
    return [{ message: `Next ${web.nextMajor} does not run proxy.ts: name it middleware.ts`, location: { file: web.proxyFile } }];
  }
  if (existing !== rootSessionFile) {
    warnings.push({ message: `middleware.ts is deprecated on Next ${web.nextMajor}: rename it proxy.ts and its export proxy`, location: { file: existing } });
  }
  const source = (await readText(path.join(ctx.root, existing))) ?? '';
  return /\bupdateSession\s*\(/.test(source)
    ? []
    : [{ message: `does not call updateSession(request) from lib/supabase/${sessionFile}: sessions are never refreshed`, location: { file: existing } }];
}
