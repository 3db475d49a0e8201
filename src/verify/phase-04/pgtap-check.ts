import { firstLine } from '../../errors.js';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { stopOf, type EngineStop, type SqlEngine } from '../../db/engine.js';
import { failed, passed, plural, skipped } from '../outcome.js';
import type { DatabaseCheck } from '../phase.js';
import type { Finding } from '../types.js';
import type { DatabaseSession } from '../database/session.js';
import { parsePsqlScript, type PsqlScript } from './psql-script.js';
import { restoringSession, runPsqlSteps } from './pgtap-run.js';
import { parseTap, tapVerdict } from './tap.js';

/**
 * Runs the tests under `supabase/tests` as `supabase test db` does (pg_prove): every `.sql` and
 * `.pg` file, recursively, in path order, each in a psql session of its own in autocommit (see
 * pgtap-run), with pgTAP created in `extensions` when missing. On a server each file gets its own
 * connection; on the embedded engine, which loads PGlite's pgTAP, they share the session and the
 * settings a file changed are put back after it, and a file that fails there is run again in a
 * new session where it can be (see passesInNewSession).
 */
export const pgtapCheck: DatabaseCheck = {
  scope: 'database',
  name: 'pgtap',
  title: 'the pgTAP tests in supabase/tests pass',
  needs: ['migrations'],
  embeddedExtensions: ['pgtap'],
  async run(ctx, db) {
    const testsRoot = path.join(ctx.root, 'supabase', 'tests');
    const files = await listTestFiles(testsRoot);
    if (files.length === 0) return skipped('supabase/tests holds no .sql or .pg file');
    const available = await db.engine.query(`select 1 from pg_available_extensions where name = 'pgtap'`);
    if (available.length === 0) {
      return skipped(
        db.engine.kind === 'embedded'
          ? 'the embedded engine could not load pgTAP (@electric-sql/pglite-pgtap): run with --db-url'
          : 'pgTAP is not installed on the server (Debian/Ubuntu: apt-get install postgresql-15-pgtap)',
      );
    }
    if (db.installExtension) await db.installExtension('pgtap');
    else await db.engine.exec('create extension if not exists pgtap with schema extensions');

    const findings: Finding[] = [];
    const notRun: string[] = [];
    const sessions = db.engine.kind === 'postgres' && db.newSession ? new ServerFileSessions(db.newSession) : null;
    try {
      for (const [index, file] of files.entries()) {
        const relative = path.relative(ctx.root, file).split(path.sep).join('/');
        if (stopOf(db.engine) !== null) {
          notRun.push(relative);
          continue;
        }
        const script = parsePsqlScript(await readFile(file, 'utf8'));
        let found = await runTestFile(db, relative, script, sessions && { sessions, more: index < files.length - 1 });
        // A server runs each file in a new session already; a file with psql meta-commands did not run.
        const retry = db.engine.kind === 'embedded' && script.metaCommands.length === 0 && stopOf(db.engine) === null && !mayCommit(script);
        if (found.length > 0 && retry && db.newSession && (await passesInNewSession(db.newSession, relative, script))) found = [];
        findings.push(...found);
      }
    } finally {
      await sessions?.end();
    }
    const failedFiles = new Set(findings.map((f) => f.location?.file)).size;
    const stop = stopOf(db.engine);
    const warnings =
      stop && notRun.length > 0 ? [{ message: `not run, the embedded engine having stopped (${STOPS[stop]}): ${notRun.join(', ')}` }] : [];
    return findings.length > 0 ? failed(`${plural(failedFiles, 'pgTAP file')} failed`, findings, warnings) : passed(warnings);
  },
};

/**
 * Whether a file that failed in the embedded engine's one session passes in a new one, as psql
 * runs each file: the session may have defined a custom setting for good (an earlier file's
 * set_config('request.jwt.claims', …), the rls check's requests), which then reads '' where a new
 * session reads NULL. Only for a file that cannot have committed part of itself: the database is
 * then as the file found it (with what the files before it committed). Where it fails there too,
 * or no new session can be had, the first run's findings stand (a sequence the failed run used is
 * further on in the copy).
 */
async function passesInNewSession(open: () => Promise<DatabaseSession>, file: string, script: PsqlScript): Promise<boolean> {
  const session = await open().catch(() => null);
  if (!session) return false;
  try {
    return (await runTestFile(session, file, script)).length === 0;
  } catch {
    return false;
  } finally {
    await session.close().catch(() => undefined);
  }
}

/** Whether running the file may commit: a statement outside a transaction block, or a COMMIT of one. */
function mayCommit(script: PsqlScript): boolean {
  let inBlock = false;
  for (const step of script.steps) {
    if (step.kind === 'begin') inBlock = true;
    else if (step.kind === 'rollback') inBlock = false;
    else if (step.kind === 'commit' && inBlock) return true;
    else if (step.kind === 'statement' && !inBlock) return true;
  }
  return false;
}

async function runTestFile(
  db: DatabaseSession,
  file: string,
  script: PsqlScript,
  server: { readonly sessions: ServerFileSessions; readonly more: boolean } | null = null,
): Promise<Finding[]> {
  if (script.metaCommands.length > 0) {
    return script.metaCommands.map(({ command, line }) => ({
      message: `psql meta-command ${command} is not supported: verify runs the file's SQL statements as psql sends them, not psql's own commands; remove it`,
      location: { file, line },
    }));
  }
  try {
    const run = server
      ? await server.sessions.inSession(server.more && !mayCommit(script), (engine) => runPsqlSteps(engine, script.steps))
      : await restoringSession(db.engine, () => runPsqlSteps(db.engine, script.steps));
    const summary = parseTap(run.lines);
    if (run.error) {
      const message = [`does not run: ${firstLine(run.error.sqlError)}`, ...summary.failures].join('\n');
      return [{ message, location: { file, line: run.error.line } }];
    }
    const verdict = tapVerdict(summary);
    return verdict === null ? [] : [{ message: [verdict, ...summary.failures].join('\n'), location: { file } }];
  } catch (error) {
    return [{ message: `does not run: ${firstLine(error)}`, location: { file } }];
  }
}

const STOPS: Record<EngineStop, string> = {
  'statement-timeout': 'a statement ran past --statement-timeout',
  interrupted: 'interrupted',
  crashed: 'it crashed',
};

/**
 * psql's sessions on a server, a new connection for each file. While a file that cannot commit
 * runs, the next file's connection is opened: what a connection starts with (the role's and the
 * database's settings) cannot change meanwhile. A file's connection is closed without holding up
 * the next file, as psql exits without waiting for the server; all are closed by `end`.
 */
class ServerFileSessions {
  private opening: Promise<DatabaseSession> | null = null;
  private readonly closing: Promise<void>[] = [];

  constructor(private readonly open: () => Promise<DatabaseSession>) {}

  async inSession<T>(openNextMeanwhile: boolean, run: (engine: SqlEngine) => Promise<T>): Promise<T> {
    const taken = this.opening ?? this.connect();
    this.opening = null;
    const session = await taken;
    if (openNextMeanwhile) this.opening = this.connect();
    try {
      return await run(session.engine);
    } finally {
      this.closing.push(session.close().catch(() => undefined));
    }
  }

  async end(): Promise<void> {
    const unused = this.opening;
    this.opening = null;
    if (unused) this.closing.push(unused.then((session) => session.close()).catch(() => undefined));
    await Promise.all(this.closing);
  }

  private connect(): Promise<DatabaseSession> {
    const connected = this.open().then(async (session) => {
      try {
        // Supabase gives the postgres role this search_path; tests call pgTAP unqualified.
        await session.engine.exec('set search_path = "$user", public, extensions');
        return session;
      } catch (error) {
        await session.close().catch(() => undefined);
        throw error;
      }
    });
    connected.catch(() => undefined);
    return connected;
  }
}

/** `.sql` and `.pg` files under supabase/tests, at any depth, as pg_prove's `--ext .pg --ext .sql -r` finds them. */
async function listTestFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && (e.name.endsWith('.sql') || e.name.endsWith('.pg')))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}
