import path from 'node:path';
import type { VerifyReport } from '../types.js';

/**
 * GitHub Actions workflow commands: an `::error` per located finding (so it shows on the file
 * and line), and one per failed check that has none. `workspace` is `GITHUB_WORKSPACE`, which
 * annotation paths must be relative to.
 */
export function formatGithubAnnotations(report: VerifyReport, workspace: string | undefined): string[] {
  const lines: string[] = [];
  for (const check of report.checks) {
    if (check.status !== 'fail') continue;
    const title = `verify-phase ${report.phase} ${check.name}`;
    const located = check.findings.filter((f) => f.location);
    for (const finding of located) {
      const location = finding.location!;
      const props = [
        `file=${property(annotationPath(report.root, location.file, workspace))}`,
        ...(location.line ? [`line=${location.line}`] : []),
        ...(location.column ? [`col=${location.column}`] : []),
        `title=${property(title)}`,
      ];
      lines.push(`::error ${props.join(',')}::${data(finding.message)}`);
    }
    if (located.length === 0) {
      const details = check.findings.map((f) => f.message);
      lines.push(`::error title=${property(title)}::${data([check.reason ?? 'failed', ...details].join('\n'))}`);
    }
  }
  return lines;
}

function annotationPath(root: string, file: string, workspace: string | undefined): string {
  const absolute = path.resolve(root, file);
  if (!workspace) return file;
  const relative = path.relative(workspace, absolute);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}

function data(value: string): string {
  return value.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function property(value: string): string {
  return data(value).replaceAll(':', '%3A').replaceAll(',', '%2C');
}
