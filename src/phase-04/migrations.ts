import type { SupabaseFacts } from '../detect/facts.js';
import type { PhaseLayout } from './layout.js';

/**
 * The phase's migrations go into an empty `supabase/migrations`, or after the files already
 * there with --append: a repo with a history of its own never gets a second initial schema
 * unasked. Files the Supabase CLI ignores count too (they show the directory is in use).
 * Returns why the migrations are skipped, or null when they are generated.
 */
export function migrationsSkipReason(supabase: SupabaseFacts, layout: PhaseLayout, append: boolean): string | null {
  const existing = supabase.migrations.length + supabase.ignoredMigrationFiles.length;
  if (existing === 0 || append) return null;
  return `${layout.migrationsDir}/ already holds ${existing} migration file(s); pass --append to add ours after them`;
}
