/** The outcome of one TAP stream (pgTAP's output rows, in order). */
export interface TapSummary {
  readonly planned: number | null;
  readonly run: number;
  /** `not ok` lines (not marked TODO), each with the diagnostics that follow it. */
  readonly failures: readonly string[];
}

export function parseTap(lines: readonly string[]): TapSummary {
  let planned: number | null = null;
  let run = 0;
  const failures: string[] = [];
  let current: string[] | null = null;
  for (const raw of lines.flatMap((l) => l.split('\n'))) {
    const line = raw.trimEnd();
    const plan = /^1\.\.(\d+)/.exec(line);
    if (plan) {
      planned = Number(plan[1]);
      continue;
    }
    if (/^(not )?ok\b/.test(line)) {
      run += 1;
      current = null;
      if (line.startsWith('not ok') && !/#\s*TODO/i.test(line)) {
        current = [line];
        failures.push('');
      }
    } else if (current && line.startsWith('#')) {
      current.push(line);
    }
    if (current) failures[failures.length - 1] = current.join('\n');
  }
  return { planned, run, failures };
}

/** Why the stream failed, or null when it passed. */
export function tapVerdict(summary: TapSummary): string | null {
  if (summary.failures.length > 0) return `${summary.failures.length} of ${summary.run} tests failed`;
  if (summary.planned === null) return 'no plan: the file must call plan(n) or no_plan()';
  if (summary.planned !== summary.run) return `planned ${summary.planned} tests but ran ${summary.run}`;
  return null;
}
