import type { VerifyReport } from '../types.js';

/** The whole report as one JSON document (shape: `verifyReportSchema`). */
export function formatJson(report: VerifyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
