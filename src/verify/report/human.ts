import type { CheckResult, Finding, VerifyReport } from '../types.js';
import { engineDescription } from '../database/engine-description.js';

const SYMBOL = { pass: '✓', fail: '✗', skip: '–' } as const;

/** The findings and the warnings of a check shown per group (see Finding.group); --json and --junit list every one. */
export const SHOWN_PER_GROUP = 5;

/** One line per check, failures with their details, then a summary. */
export function formatHuman(report: VerifyReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = [`verify-phase ${report.phase} · ${report.root} · ${engineLabel(report)}`, ''];
  for (const check of report.checks) lines.push(...checkLines(check, width));
  lines.push('', summaryLine(report));
  if (report.marker) lines.push(`Wrote ${report.marker}`);
  return `${lines.join('\n')}\n`;
}

function engineLabel(report: VerifyReport): string {
  return `${engineDescription(report.engine)}, ${report.grants.join(' + ')} grants`;
}

function checkLines(check: CheckResult, width: number): string[] {
  const head = `${SYMBOL[check.status]} ${check.name.padEnd(width)}  ${formatDuration(check.durationMs).padStart(7)}  ${check.title}`;
  const lines = [head];
  if (check.reason) lines.push(`    ${check.status === 'skip' ? 'skipped: ' : ''}${check.reason}`);
  lines.push(...foldedGroups(check.findings).map((line) => `    ${line}`));
  lines.push(...foldedGroups(check.warnings).map((line) => `    warning: ${line}`));
  return lines;
}

/** Each finding's line, but past SHOWN_PER_GROUP of a group one line counting the rest, where the group's last one was. */
function foldedGroups(findings: readonly Finding[]): string[] {
  const sizes = new Map<string, number>();
  for (const { group } of findings) if (group !== undefined) sizes.set(group, (sizes.get(group) ?? 0) + 1);
  const seen = new Map<string, number>();
  const lines: string[] = [];
  for (const finding of findings) {
    const { group } = finding;
    if (group === undefined) {
      lines.push(formatFinding(finding));
      continue;
    }
    const index = (seen.get(group) ?? 0) + 1;
    seen.set(group, index);
    const size = sizes.get(group)!;
    if (index <= SHOWN_PER_GROUP || size === SHOWN_PER_GROUP + 1) lines.push(formatFinding(finding));
    else if (index === size) lines.push(`… and ${size - SHOWN_PER_GROUP} more ${group} (--json lists every one)`);
  }
  return lines;
}

export function formatFinding(finding: Finding): string {
  const where = finding.location ? `${formatLocation(finding.location)}: ` : '';
  return indentContinuation(`${where}${finding.message}`);
}

function formatLocation(location: NonNullable<Finding['location']>): string {
  return [location.file, location.line, location.column].filter((part) => part !== undefined).join(':');
}

function indentContinuation(text: string): string {
  return text.replaceAll('\n', '\n      ');
}

function summaryLine(report: VerifyReport): string {
  const { passed, failed, skipped } = report.summary;
  const verdict = report.ok ? 'PASSED' : 'FAILED';
  return `Phase ${report.phase} ${verdict}: ${passed} passed, ${failed} failed, ${skipped} skipped in ${formatDuration(report.durationMs)}`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
