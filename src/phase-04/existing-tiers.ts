import type { MigrationFile } from '../detect/facts.js';

/** The phase migration that declares the tiers (templates/supabase/migrations/01_initial_schema.sql.hbs). */
const INITIAL_SCHEMA = 'initial_schema.sql';

/** `<version>_initial_schema.sql` among the repo's migrations (an earlier run's), or null. */
export function phaseInitialSchema(migrations: readonly MigrationFile[]): string | null {
  return migrations.find((m) => m.name === `${m.version}_${INITIAL_SCHEMA}`)?.name ?? null;
}

/**
 * The tiers of a rendered initial schema: the list of `check (subscription_tier in (…))`, in
 * order (the first is the default). Null when the constraint is not there in that form (edited
 * by hand, or not ours): the caller then asks or uses the defaults.
 */
export function tiersInInitialSchema(sql: string): string[] | null {
  const check = /check\s*\(\s*subscription_tier\s+in\s*\(([^)]*)\)\s*\)/i.exec(sql);
  if (!check?.[1]) return null;
  const items = check[1].split(',').map((item) => item.trim());
  const tiers = items.map((item) => /^'([^']*)'$/.exec(item)?.[1]);
  return tiers.every((t): t is string => t !== undefined) ? tiers : null;
}
