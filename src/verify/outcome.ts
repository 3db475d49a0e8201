import type { CheckOutcome, Finding } from './types.js';

/** Constructors for check outcomes, so checks read as what they conclude. */
export function passed(warnings: readonly Finding[] = []): CheckOutcome {
  return { status: 'pass', warnings };
}

export function failed(summary: string, findings: readonly Finding[] = [], warnings: readonly Finding[] = []): CheckOutcome {
  return { status: 'fail', summary, findings, warnings };
}

export function skipped(reason: string, warnings: readonly Finding[] = []): CheckOutcome {
  return { status: 'skip', reason, warnings };
}

/** Fails with the findings when there are any, passes otherwise. */
export function failIfAny(
  summary: (count: number) => string,
  findings: readonly Finding[],
  warnings: readonly Finding[] = [],
): CheckOutcome {
  return findings.length > 0 ? failed(summary(findings.length), findings, warnings) : passed(warnings);
}

export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
