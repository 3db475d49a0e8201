import type { PhaseDefinition } from './phase.js';
import { phase04 } from './phase-04/index.js';

/** Every phase `verify-phase` knows, by canonical id. Later phases add themselves here. */
const PHASES: readonly PhaseDefinition[] = [phase04];

/** `04` or `4` → phase 04; null when unknown. */
export function findPhase(input: string): PhaseDefinition | null {
  if (!/^\d{1,2}$/.test(input.trim())) return null;
  const id = input.trim().padStart(2, '0');
  return PHASES.find((phase) => phase.id === id) ?? null;
}

export function knownPhaseIds(): string[] {
  return PHASES.map((phase) => phase.id);
}
