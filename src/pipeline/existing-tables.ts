import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MigrationFile } from '../detect/facts.js';
import { PHASE_TABLES } from '../phase-04/spec.js';

/** Which existing migrations already create one of the phase's tables in `public`. */
export async function migrationsCreatingPhaseTables(
  migrationsDir: string,
  migrations: readonly MigrationFile[],
): Promise<Array<{ file: string; tables: string[] }>> {
  const found = await Promise.all(
    migrations.map(async (m) => {
      const sql = stripComments(await readFile(path.join(migrationsDir, m.name), 'utf8'));
      const tables = PHASE_TABLES.filter((table) => createsTable(sql, table));
      return { file: m.name, tables };
    }),
  );
  return found.filter((f) => f.tables.length > 0);
}

function createsTable(sql: string, table: string): boolean {
  const name = `(?:(?:public|"public")\\s*\\.\\s*)?(?:${table}|"${table}")`;
  return new RegExp(`create\\s+(?:unlogged\\s+)?table\\s+(?:if\\s+not\\s+exists\\s+)?${name}(?![\\w"])`, 'i').test(sql);
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}
