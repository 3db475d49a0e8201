import type { VerifyReport } from '../types.js';
import { engineDescription } from '../database/engine-description.js';

/** The whole report as one JSON document (shape: `verifyReportSchema`), the engine named as the human report names it. */
export function formatJson(report: VerifyReport): string {
  const { phase, root, engine, ...rest } = report;
  return `${JSON.stringify({ phase, root, engine, engineDescription: engineDescription(engine), ...rest }, null, 2)}\n`;
}
