import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { applyMigrations, isMigrationError, type SqlFile } from '../../db/apply-migrations.js';
import { diffCatalogs, type CatalogDifference } from '../../db/catalog-diff.js';
import { readCatalogSnapshot, type CatalogObject } from '../../db/catalog-snapshot.js';
import type { DatabaseSession } from '../database/session.js';
import type { Finding, RepoContext } from '../types.js';
import { plural } from '../outcome.js';
import { migrationErrorFinding } from './sql-finding.js';

export interface SchemaFilesDrift {
  /** What fails the check: one line, or null when the schema files and the migrations agree. */
  readonly summary: string | null;
  readonly findings: readonly Finding[];
  readonly warnings: readonly Finding[];
}

/**
 * In a repo with declarative schema files, the files (in the CLI's order, on a fresh database
 * of their own) and the migrations (already applied on `db`) must make the same catalog: what
 * differs is what the next `supabase db diff` would turn into a migration. Differences in the
 * schemas the diff does not read (auth, storage…) are warnings, and only when the schema files
 * have something no migration makes: the Supabase docs send such objects to migrations.
 */
export async function schemaFilesDrift(ctx: RepoContext, db: DatabaseSession): Promise<SchemaFilesDrift> {
  const declarative = ctx.facts.supabase.schemas;
  if (!declarative) return { summary: null, findings: [], warnings: [] };
  const warnings: Finding[] = declarative.unmatched.map((entry) => ({
    message: `[db.migrations] schema_paths entry "${entry}" matches no file`,
    location: { file: 'supabase/config.toml' },
  }));
  if (declarative.applied.length === 0) return { summary: null, findings: [], warnings };
  if (!db.openFresh) throw new Error('comparing the schema files needs a second database, which this session cannot open');
  const files: SqlFile[] = await Promise.all(
    declarative.applied.map(async (file) => ({ name: file, sql: await readFile(path.join(ctx.root, file), 'utf8') })),
  );
  const migrated = await readCatalogSnapshot(db.engine);
  const fresh = await db.openFresh();
  let declared: CatalogObject[];
  try {
    await applyMigrations(fresh.engine, files);
    declared = await readCatalogSnapshot(fresh.engine);
  } catch (error) {
    if (!isMigrationError(error)) throw error;
    return { summary: `the declarative schema file ${error.file} does not apply`, findings: [migrationErrorFinding(error)], warnings };
  } finally {
    await fresh.close();
  }
  const differences = diffCatalogs(declared, migrated);
  const findings = differences.filter((d) => d.object.tracked).map((d) => ({ message: describe(d) }));
  warnings.push(
    ...differences.filter((d) => !d.object.tracked && d.change !== 'only-right').map((d) => ({ message: describeUntracked(d) })),
  );
  const summary =
    findings.length === 0
      ? null
      : `the declarative schema files and the migrations differ (${plural(findings.length, 'difference')}): the next \`supabase db diff\` would turn them into a migration`;
  return { summary, findings, warnings };
}

const SCHEMA_FILES = 'the schema files';
const MIGRATIONS = 'the migrations';

function describe(d: CatalogDifference): string {
  switch (d.change) {
    case 'only-left':
      return `${d.object.key}: in ${SCHEMA_FILES}, made by no migration (the next supabase db diff would create it)`;
    case 'only-right':
      return `${d.object.key}: made by ${MIGRATIONS}, absent from ${SCHEMA_FILES} (the next supabase db diff would drop it)`;
    case 'differs':
      return `${d.object.key}: ${factDifference(d.fact, d.left, d.right)}`;
  }
}

function describeUntracked(d: CatalogDifference): string {
  const why = `supabase db diff does not read schema ${d.object.schema ?? '?'}: write it in a migration`;
  return d.change === 'differs'
    ? `${d.object.key}: ${factDifference(d.fact, d.left, d.right)}; ${why}`
    : `${d.object.key}: in ${SCHEMA_FILES}, made by no migration; ${why}`;
}

/** One property on both sides; a function body by its first differing line. */
function factDifference(fact: string, left: string | null, right: string | null): string {
  if (fact === 'body' && left !== null && right !== null) {
    const l = left.split('\n');
    const r = right.split('\n');
    let line = 0;
    while (line < Math.max(l.length, r.length) && l[line] === r[line]) line += 1;
    return `its body differs from line ${line + 1}: ${show(l[line] ?? null)} in ${SCHEMA_FILES}, ${show(r[line] ?? null)} in ${MIGRATIONS}`;
  }
  return `${fact} ${show(left)} in ${SCHEMA_FILES}, ${show(right)} in ${MIGRATIONS}`;
}

function show(value: string | null): string {
  if (value === null) return 'none';
  const trimmed = value.trim();
  return trimmed === '' ? '(empty)' : `\`${trimmed}\``;
}
