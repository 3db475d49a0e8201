import path from 'node:path';
import type { SupabaseFacts } from '../detect/facts.js';
import type { Artifact } from '../phase-04/artifacts.js';
import { unversionedName } from '../phase-04/migrations.js';

/**
 * In a repo that keeps its schema declaratively (supabase/schemas, `supabase db diff` makes the
 * migrations), the phase is written there too, beside its migrations: otherwise the next diff
 * proposes to drop the phase's tables. Same templates as the migrations, named the repo's way:
 * numbered after its files when they are numbered (`03_initial_schema.sql`), else by name.
 */
export function schemaArtifacts(supabase: SupabaseFacts, migrations: readonly Artifact[]): Artifact[] {
  const schemas = supabase.schemas;
  if (!schemas) return [];
  const numbered = schemas.files.length > 0 && schemas.files.every((f) => /^\d+_/.test(f));
  const width = numbered ? Math.max(...schemas.files.map((f) => /^(\d+)_/.exec(f)?.[1]?.length ?? 2)) : 0;
  const last = numbered ? Math.max(...schemas.files.map((f) => Number(/^(\d+)_/.exec(f)?.[1] ?? 0))) : 0;
  const taken = new Set(schemas.files.map((f) => f.toLowerCase()));
  return migrations.map((migration, i) => {
    const name = unversionedName(migration.path);
    const file = numbered
      ? `${String(last + i + 1).padStart(width, '0')}_${name}`
      : taken.has(name.toLowerCase())
        ? `phase04_${name}`
        : name;
    return { group: 'schemas', template: migration.template, path: path.posix.join(schemas.dir, file) };
  });
}
