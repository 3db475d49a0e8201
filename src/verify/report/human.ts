import type { CheckResult, Finding, VerifyReport } from '../types.js';
import { engineDescription } from '../database/engine-description.js';

const SYMBOL = { pass: '✓', fail: '✗', skip: '–' } as const;

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
  for (const finding of check.findings) lines.push(`    ${formatFinding(finding)}`);
  for (const warning of check.warnings) lines.push(`    warning: ${formatFinding(warning)}`);
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
