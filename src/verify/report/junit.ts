import type { CheckResult, VerifyReport } from '../types.js';
import { formatFinding } from './human.js';

/**
 * JUnit XML as CI systems read it: one <testsuite> for the phase, one <testcase> per check,
 * <failure> or <skipped> with the reason and the findings.
 */
export function formatJunit(report: VerifyReport): string {
  const { passed, failed, skipped } = report.summary;
  const tests = passed + failed + skipped;
  const suiteName = `verify-phase ${report.phase}`;
  const totals = `tests="${tests}" failures="${failed}" errors="0" skipped="${skipped}" time="${seconds(report.durationMs)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(suiteName)}" ${totals}>`,
    `  <testsuite name="${attr(suiteName)}" ${totals} timestamp="${attr(report.startedAt)}">`,
    '    <properties>',
    `      <property name="root" value="${attr(report.root)}"/>`,
    `      <property name="engine" value="${report.engine}"/>`,
    `      <property name="grants" value="${report.grants.join(',')}"/>`,
    '    </properties>',
    ...report.checks.map((check) => testcase(check, report.phase)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function testcase(check: CheckResult, phase: string): string {
  const open = `    <testcase classname="verify-phase.${phase}" name="${attr(check.name)}" time="${seconds(check.durationMs)}"`;
  if (check.status === 'pass') return `${open}/>`;
  const details = [...check.findings.map(formatFinding), ...check.warnings.map((w) => `warning: ${formatFinding(w)}`)];
  const reason = check.reason ?? check.status;
  const child =
    check.status === 'fail'
      ? `      <failure message="${attr(reason)}" type="${attr(check.name)}">${text(details.join('\n'))}</failure>`
      : `      <skipped message="${attr(reason)}"/>`;
  return `${open}>\n${child}\n    </testcase>`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

// XML 1.0 forbids most control characters even when escaped; drop them.
// eslint-disable-next-line no-control-regex -- these control characters are what the pattern removes
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function text(value: string): string {
  return value.replace(INVALID_XML, '').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function attr(value: string): string {
  return text(value).replaceAll('"', '&quot;').replaceAll('\n', '&#10;').replaceAll('\r', '&#13;').replaceAll('\t', '&#9;');
}
