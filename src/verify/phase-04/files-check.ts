import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { splitStatements } from '../../db/split-statements.js';
import { isDirectory, isFile, readText } from '../../detect/fs-probe.js';
import { phaseMigrationNames } from '../../phase-04/inventory.js';
import { SPEC_WEB_MODULES } from '../../phase-04/layout.js';
import { PHASE_TABLES } from '../../phase-04/spec.js';
import { exportedNames, exportedNamesText } from './module-exports.js';
import { loadTypeScript, sessionRefreshOf, type SessionRefresh } from './session-refresh.js';
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
    const refresh = await rootSessionRefresh(ctx);
    const groups = await Promise.all([
      migrationFindings(ctx),
      requiredFiles(ctx, refresh),
      testFindings(ctx),
      sessionFileFindings(ctx, warnings, refresh),
    ]);
    return failIfAny((n) => `${plural(n, 'problem')} with the phase's files`, groups.flat(), warnings);
  },
};

/** What each spec module under lib/supabase must export, whoever wrote it. */
const SPEC_EXPORTS: Readonly<Record<(typeof SPEC_WEB_MODULES)[number], string>> = {
  client: 'createClient',
  server: 'createClient',
  admin: 'createAdminClient',
};

async function requiredFiles(ctx: RepoContext, refresh: SessionRefresh | null): Promise<Finding[]> {
  const { layout } = ctx;
  // The session module is the spec's way to refresh; a root file that refreshes by itself needs none.
  const sessionModule = refresh?.kind === 'refreshes' ? [] : [layout.sessionFile];
  const webFiles = [...SPEC_WEB_MODULES, ...sessionModule].map((name) => `${layout.webLibDir}/${name}.ts`);
  const files = [layout.seedFile, ...webFiles, ...(layout.backendFile ? [layout.backendFile] : [])];
  const present = await Promise.all(files.map((file) => isFile(path.join(ctx.root, file))));
  const missing = files.filter((_, i) => !present[i]);
  const findings = await Promise.all(missing.map(async (file) => ({ message: `missing ${file}${await misplacedHint(ctx, file)}` })));
  return [...findings, ...(await exportFindings(ctx))];
}

/**
 * The spec's client modules, ours or the repo's own (generate skips an existing lib/supabase),
 * export what the spec names: read as text, and by the parser where the text shows no such export.
 */
async function exportFindings(ctx: RepoContext): Promise<Finding[]> {
  const unconfirmed: { module: (typeof SPEC_WEB_MODULES)[number]; file: string; source: string }[] = [];
  for (const module of SPEC_WEB_MODULES) {
    const file = `${ctx.layout.webLibDir}/${module}.ts`;
    const source = await readText(path.join(ctx.root, file));
    if (source !== null && !exportedNamesText(source).has(SPEC_EXPORTS[module])) unconfirmed.push({ module, file, source });
  }
  if (unconfirmed.length === 0) return [];
  const ts = await loadTypeScript(path.join(ctx.root, ctx.facts.web.dir));
  return unconfirmed
    .filter(({ module, file, source }) => !exportedNames(ts, file, source).has(SPEC_EXPORTS[module]))
    .map(({ module, file }) => ({ message: `does not export ${SPEC_EXPORTS[module]}, the spec's ${module} client`, location: { file } }));
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
  const named = expected.map((name) => supabase.migrations.filter((m) => m.name === `${m.version}_${name}`));
  // And the content: a repo's own `0001_initial_schema.sql` is not the phase's.
  const found = await Promise.all(
    named.map(async (candidates) => {
      for (const m of candidates) if (await isPhaseMigration(path.join(ctx.root, dir, m.name))) return m;
      return undefined;
    }),
  );
  expected.forEach((name, i) => {
    if (found[i]) return;
    const others = named[i]!.map((m) => m.name);
    const hint =
      others.length > 0 ? ` (${others.join(', ')} is the repo's own: it creates no table or policy on ${PHASE_TABLES.join(', ')})` : '';
    findings.push({ message: `missing ${dir}/<version>_${name}${hint}` });
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

/**
 * A phase migration creates a table or a policy on every one of the phase's tables (the initial
 * schema the tables, the access migration their policies); read statement by statement.
 */
async function isPhaseMigration(file: string): Promise<boolean> {
  const sql = (await readText(file)) ?? '';
  const touched = new Set<string>();
  const table = String.raw`(?:(?:"?public"?)\s*\.\s*)?"?([a-z_]+)"?`;
  const createTable = new RegExp(String.raw`^create\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?${table}`, 'i');
  const createPolicy = new RegExp(String.raw`^create\s+policy\s+(?:"(?:[^"]|"")*"|\S+)\s+on\s+${table}`, 'i');
  for (const { sql: statement } of splitStatements(sql)) {
    const match = createTable.exec(statement) ?? createPolicy.exec(statement);
    if (match) touched.add(match[1]!.toLowerCase());
  }
  return PHASE_TABLES.every((t) => touched.has(t));
}

async function testFindings(ctx: RepoContext): Promise<Finding[]> {
  const dir = ctx.layout.testsDir;
  const absolute = path.join(ctx.root, dir);
  if (!(await isDirectory(absolute))) return [{ message: `missing ${dir}/ (the pgTAP tests)` }];
  const names = await readdir(absolute);
  return names.some((n) => n.endsWith('.sql')) ? [] : [{ message: `${dir}/ holds no .sql test file` }];
}

/** How the root session file (proxy.ts, else middleware.ts) refreshes the session; null when there is none. */
async function rootSessionRefresh(ctx: RepoContext): Promise<SessionRefresh | null> {
  const { web } = ctx.facts;
  const existing = web.proxyFile ?? web.middlewareFile;
  return existing ? sessionRefreshOf(ctx.root, existing, web.codeDir, web.dir) : null;
}

/** Exactly one root session file, the one the Next major expects, and it refreshes the session. */
async function sessionFileFindings(ctx: RepoContext, warnings: Finding[], refresh: SessionRefresh | null): Promise<Finding[]> {
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
    warnings.push({
      message: `middleware.ts is deprecated on Next ${web.nextMajor}: rename it proxy.ts and its export proxy`,
      location: { file: existing },
    });
  }
  const location = { file: existing };
  switch (refresh?.kind) {
    case 'refreshes':
    case undefined:
      return [];
    case 'client-without-refresh':
      return [
        {
          message: `creates a Supabase client with createServerClient (${refresh.file}) but never calls auth.getUser() or auth.getClaims(), which refresh the session: sessions are never refreshed`,
          location,
        },
      ];
    case 'unknown':
      return [
        {
          message: `calls no updateSession(request) and no Supabase client refreshes the session in the modules verify could follow; it could not follow ${refresh.unresolved.join(', ')}: refresh the session there with createServerClient from @supabase/ssr and auth.getClaims(), or call updateSession from lib/supabase/${sessionFile}`,
          location,
        },
      ];
    case 'never':
      return [{ message: `does not call updateSession(request) from lib/supabase/${sessionFile}: sessions are never refreshed`, location }];
  }
}
