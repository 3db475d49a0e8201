import path from 'node:path';
import type { SupabaseFacts } from '../detect/facts.js';
import type { PhaseLayout } from './layout.js';

/**
 * What happens to the phase's migrations in a repo:
 * - `write`: into an empty `supabase/migrations`, or after the files already there with --append;
 * - `present`: the phase's own migrations are already there (an earlier run): not written again,
 *   and what needs them (seed, pgTAP tests) follows as usual;
 * - `skip`: the repo has a history of its own and no --append: a repo never gets a second initial
 *   schema unasked, and whatever needs the phase's tables is skipped with them.
 * Files the Supabase CLI ignores count too (they show the directory is in use).
 */
export type MigrationsDecision = { readonly kind: 'write' } | { readonly kind: 'present' | 'skip'; readonly reason: string };

export function migrationsDecision(
  supabase: SupabaseFacts,
  layout: PhaseLayout,
  append: boolean,
  /** The phase's migration names without version, e.g. `initial_schema.sql`. */
  phaseMigrationNames: readonly string[],
): MigrationsDecision {
  const existing = supabase.migrations.length + supabase.ignoredMigrationFiles.length;
  if (existing === 0) return { kind: 'write' };
  const ours = phaseMigrationNames.map((name) => supabase.migrations.find((m) => m.name === `${m.version}_${name}`)?.name);
  if (ours.length > 0 && ours.every((name) => name !== undefined)) {
    return {
      kind: 'present',
      reason: `the phase's migrations are already in ${layout.migrationsDir}/ (${ours.join(', ')}); they are never rewritten`,
    };
  }
  if (append) return { kind: 'write' };
  return {
    kind: 'skip',
    reason: `${layout.migrationsDir}/ already holds ${existing} migration file(s); pass --append to add ours after them`,
  };
}

/** `supabase/migrations/00003_initial_schema.sql` → `initial_schema.sql`. */
export const unversionedName = (file: string) => path.posix.basename(file).replace(/^[0-9]+_/, '');
