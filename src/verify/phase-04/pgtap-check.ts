import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { connectPostgres } from '../../db/engine.js';
import { toSqlError } from '../../db/sql-error.js';
import { failed, passed, plural, skipped } from '../outcome.js';
import type { DatabaseCheck } from '../phase.js';
import { errorMessage } from '../timing.js';
import type { Finding } from '../types.js';
import { parseTap, tapVerdict } from './tap.js';

/**
 * Runs `supabase/tests/**\/*.sql` like `supabase test db` does: pgTAP installed in `extensions`,
 * each file as one script whose rows are TAP. Needs a PostgreSQL server with pgTAP available.
 */
export const pgtapCheck: DatabaseCheck = {
  scope: 'database',
  name: 'pgtap',
  title: 'the pgTAP tests in supabase/tests pass',
  needs: ['migrations'],
  async run(ctx, db) {
    if (db.engine.kind === 'embedded' || db.url === null) {
      return skipped('pgTAP needs a PostgreSQL server: the embedded engine has no pgTAP (run with --db-url)');
    }
    const available = await db.engine.query(`select 1 from pg_available_extensions where name = 'pgtap'`);
    if (available.length === 0) {
      return skipped('pgTAP is not installed on the server (Debian/Ubuntu: apt-get install postgresql-15-pgtap)');
    }
    const testsRoot = path.join(ctx.root, 'supabase', 'tests');
    const files = await listSqlFiles(testsRoot);
    if (files.length === 0) return skipped('supabase/tests holds no .sql file');
    if (db.installExtension) await db.installExtension('pgtap');
    else await db.engine.query('create extension if not exists pgtap with schema extensions');

    const findings: Finding[] = [];
    for (const file of files) {
      findings.push(...(await runTestFile(db.url, ctx.root, file)));
    }
    return findings.length > 0
      ? failed(`${plural(findings.length, 'pgTAP file')} failed`, findings)
      : passed();
  },
};

async function runTestFile(url: string, root: string, file: string): Promise<Finding[]> {
  const relative = path.relative(root, file).split(path.sep).join('/');
  const sql = await readFile(file, 'utf8');
  const client = await connectPostgres(url);
  try {
    // Supabase gives the postgres role this search_path; the tests call pgTAP unqualified.
    await client.query('set search_path = "$user", public, extensions');
    const results = await client.query(sql);
    const summary = parseTap(tapLines(results));
    const verdict = tapVerdict(summary);
    return verdict === null ? [] : [{ message: [verdict, ...summary.failures].join('\n'), location: { file: relative } }];
  } catch (error) {
    const line = toSqlError(error).lineIn(sql);
    return [{ message: `does not run: ${errorMessage(error)}`, location: { file: relative, ...(line ? { line } : {}) } }];
  } finally {
    await client.end().catch(() => undefined);
  }
}

function tapLines(results: pg.QueryResult | pg.QueryResult[]): string[] {
  const all = Array.isArray(results) ? results : [results];
  return all.flatMap((result) => (result.rows ?? []).flatMap((row: Record<string, unknown>) => Object.values(row).map(String)));
}

async function listSqlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.sql'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}
