import { failed, passed, skipped } from './outcome.js';
import type { Timed } from './timing.js';
import type { CheckOutcome, Finding, GrantMode } from './types.js';

export interface ModeOutcome extends Timed<CheckOutcome> {
  readonly mode: GrantMode;
}

/**
 * One result for a database check that ran in several grant modes (its time is their sum): it
 * fails when any mode fails. A finding seen in every mode is reported once; one seen in some modes only is tagged
 * with them, so a grant-mode-specific defect is visible as such.
 */
export function mergeModeOutcomes(outcomes: readonly ModeOutcome[]): Timed<CheckOutcome> {
  const durationMs = outcomes.reduce((sum, o) => sum + o.durationMs, 0);
  const first = outcomes[0];
  if (!first) return { value: skipped('no grant mode selected'), durationMs };
  if (outcomes.length === 1) return { value: first.value, durationMs };

  const allModes = outcomes.map((o) => o.mode);
  const warnings = mergeFindings(
    outcomes.map((o) => ({ mode: o.mode, findings: o.value.warnings })),
    allModes,
  );
  const failures = outcomes.filter((o) => o.value.status === 'fail');
  if (failures.length > 0) {
    const findings = mergeFindings(
      failures.map((o) => ({ mode: o.mode, findings: findingsOf(o.value) })),
      allModes,
    );
    return { value: failed(perModeLine(failures, outcomes.length), findings, warnings), durationMs };
  }
  const skips = outcomes.filter((o) => o.value.status === 'skip');
  if (skips.length === outcomes.length) return { value: skipped(perModeLine(skips, outcomes.length), warnings), durationMs };
  const skipNotes = skips.map((o) => ({ message: `skipped with ${o.mode} grants: ${lineOf(o.value)}` }));
  return { value: passed([...warnings, ...skipNotes]), durationMs };
}

/** The one line (failure summary or skip reason) of these modes: once when all modes agree, else per mode. */
function perModeLine(subset: readonly ModeOutcome[], modeCount: number): string {
  const lines = [...new Set(subset.map((o) => lineOf(o.value)))];
  if (lines.length === 1 && subset.length === modeCount) return lines[0]!;
  return subset.map((o) => `${lineOf(o.value)} (${o.mode} grants)`).join('; ');
}

function lineOf(outcome: CheckOutcome): string {
  return outcome.status === 'fail' ? outcome.summary : outcome.status === 'skip' ? outcome.reason : '';
}

function findingsOf(outcome: CheckOutcome): readonly Finding[] {
  return outcome.status === 'fail' ? outcome.findings : [];
}

function mergeFindings(perMode: readonly { mode: GrantMode; findings: readonly Finding[] }[], allModes: readonly GrantMode[]): Finding[] {
  const seen = new Map<string, { finding: Finding; modes: GrantMode[] }>();
  for (const { mode, findings } of perMode) {
    for (const finding of findings) {
      const key = JSON.stringify([finding.message, finding.location ?? null]);
      const entry = seen.get(key);
      if (entry) entry.modes.push(mode);
      else seen.set(key, { finding, modes: [mode] });
    }
  }
  return [...seen.values()].map(({ finding, modes }) =>
    modes.length === allModes.length ? finding : { ...finding, message: `[${modes.join(', ')} grants] ${finding.message}` },
  );
}
