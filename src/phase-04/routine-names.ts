import type { SqlEngine } from '../db/engine.js';
import { PHASE_NAME_SUFFIX, PHASE_ROUTINE_NAMES, type PhaseRoutineNames, type PhaseRoutineRole } from './spec.js';

/**
 * The names the phase's functions have in a migrated database: the spec's, or the suffixed ones
 * generate chose because the repo had its own (`handle_new_user_phase04`).
 */
export async function phaseRoutineNamesIn(engine: SqlEngine): Promise<PhaseRoutineNames> {
  const suffixed = Object.values(PHASE_ROUTINE_NAMES).map((name) => `${name}${PHASE_NAME_SUFFIX}`);
  const rows = await engine.query<{ name: string }>(
    `select p.proname::text as name from pg_catalog.pg_proc p
      where p.pronamespace = 'public'::regnamespace and p.proname = any($1::text[])
     union
     select t.tgname::text from pg_catalog.pg_trigger t
      where t.tgrelid = to_regclass('auth.users') and t.tgname = any($1::text[])`,
    [suffixed],
  );
  const present = new Set(rows.map((r) => r.name));
  const names = { ...PHASE_ROUTINE_NAMES } as Record<PhaseRoutineRole, string>;
  for (const role of Object.keys(names) as PhaseRoutineRole[]) {
    const renamed = `${PHASE_ROUTINE_NAMES[role]}${PHASE_NAME_SUFFIX}`;
    if (present.has(renamed)) names[role] = renamed;
  }
  return names;
}
