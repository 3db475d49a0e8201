import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProjectFacts } from '../detect/facts.js';
import { CliError } from '../errors.js';

export interface MigrationSource {
  /** Shown in errors; the repo reader gives `supabase/migrations/<file>`. */
  readonly name: string;
  readonly sql: string;
}

/** The repo's migrations in the order the Supabase CLI applies them. */
export async function readRepoMigrations(facts: ProjectFacts): Promise<MigrationSource[]> {
  const { migrationsDir, migrations } = facts.supabase;
  if (migrationsDir !== 'directory') {
    throw new CliError(
      'layout',
      migrationsDir === 'file'
        ? 'supabase/migrations is a file, not a directory'
        : 'no supabase/migrations directory: there are no migrations to generate types from',
    );
  }
  if (migrations.length === 0) {
    throw new CliError('layout', 'supabase/migrations has no <version>_<name>.sql files to generate types from');
  }
  const dir = path.join(facts.root, 'supabase', 'migrations');
  return Promise.all(
    migrations.map(async ({ name }) => ({
      name: `supabase/migrations/${name}`,
      sql: await readFile(path.join(dir, name), 'utf8'),
    })),
  );
}
