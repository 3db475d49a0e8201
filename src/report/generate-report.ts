import path from 'node:path';
import type { ApplyResult } from '../apply/apply.js';
import type { ProjectFacts } from '../detect/facts.js';
import type { PhaseLayout } from '../phase-04/layout.js';
import type { FileStatus, Plan } from '../plan/types.js';
import { plain, type Palette } from './colors.js';
import { selfCommand, withSelfCommand } from './invocation.js';
import { unifiedDiff } from './unified-diff.js';

export interface InstallOutcome {
  readonly command: string;
  readonly ok: boolean;
  readonly skipped: string | null;
  readonly error: string | null;
  /** The package manager's whole output (stdout and stderr), when it ran. */
  readonly log: string | null;
  /** The last lines of that output, shown when the install failed. */
  readonly tail: readonly string[];
}

export interface GenerateOutcome {
  readonly facts: ProjectFacts;
  readonly layout: PhaseLayout;
  readonly plan: Plan;
  readonly dryRun: boolean;
  readonly applied: ApplyResult | null;
  readonly install: InstallOutcome | null;
  readonly exitCode: number;
}

const ORDER: readonly FileStatus[] = ['create', 'update', 'overwrite', 'unchanged', 'skip', 'conflict'];

export function countByStatus(plan: Plan): Record<FileStatus, number> {
  const counts = Object.fromEntries(ORDER.map((s) => [s, 0])) as Record<FileStatus, number>;
  for (const file of plan.files) counts[file.status]++;
  return counts;
}

export interface ReportOptions {
  readonly diff: boolean;
  /** How the user runs this tool (see invocation.ts): the commands printed use it. */
  readonly self?: string;
  /** Where the user is: a new project's steps start with `cd` into it from there. */
  readonly cwd?: string;
  /** Status words and headings in colour (see colors.ts); plain when absent. */
  readonly palette?: Palette;
}

function paintStatus(palette: Palette, status: FileStatus | 'backup'): string {
  switch (status) {
    case 'create':
    case 'update':
      return palette.ok(status);
    case 'overwrite':
    case 'backup':
      return palette.change(status);
    case 'conflict':
      return palette.bad(status);
    default:
      return palette.quiet(status);
  }
}

/** The human report: one line per file, then notes, conflicts with advice, next steps. */
export function formatHumanReport(outcome: GenerateOutcome, options: ReportOptions): string {
  const { plan, facts, layout } = outcome;
  const self = options.self ?? selfCommand();
  const c = options.palette ?? plain;
  const lines: string[] = [];
  lines.push(
    `create-saas-db ${outcome.dryRun ? '(dry run: nothing written) ' : ''}→ ${plan.root}`,
    `  Next.js ${facts.web.nextMajor} (${layout.sessionFile}.ts), ${facts.packageManager}, web app ${facts.web.dir || '.'}` +
      `${layout.backendFile ? `, backend ${facts.backend?.dir || '.'}` : ', no backend'}`,
    '',
  );
  const width = Math.max(...ORDER.map((s) => s.length));
  for (const file of plan.files) {
    const detail = file.status === 'create' || file.status === 'unchanged' ? '' : `  (${file.reason})`;
    lines.push(`  ${paintStatus(c, file.status)}${' '.repeat(width - file.status.length)}  ${file.path}${detail}`);
  }
  for (const { path, backup } of outcome.applied?.backups ?? []) lines.push(`  ${paintStatus(c, 'backup')}     ${path} → ${backup}`);
  const counts = countByStatus(plan);
  lines.push(
    '',
    `  ${ORDER.filter((s) => counts[s] > 0)
      .map((s) => `${counts[s]} ${paintStatus(c, s)}`)
      .join(', ')}`,
  );
  if (options.diff) {
    for (const file of plan.files) {
      if ((file.status === 'conflict' || file.status === 'overwrite' || file.status === 'update') && file.content !== null) {
        lines.push('', unifiedDiff(file.path, file.previous, file.content).trimEnd());
      }
    }
  }
  const conflicts = plan.files.filter((f) => f.status === 'conflict');
  if (conflicts.length > 0) {
    lines.push('', c.bad(`Conflicts left as they are (${conflicts.length}):`));
    for (const file of conflicts) {
      lines.push(`  ${file.path}: ${file.reason}`);
      for (const line of file.advice ?? []) lines.push(`    ${line}`);
    }
    if (conflicts.some((f) => f.forceable))
      lines.push('  Pass --diff to see the differences, --force to overwrite (a .bak backup is kept).');
  }
  const kept = plan.files.filter((f) => f.status === 'skip' && f.advice && f.advice.length > 0);
  if (kept.length > 0) {
    lines.push('', `Kept as they are, on request (${kept.length}):`);
    for (const file of kept) {
      lines.push(`  ${file.path}:`);
      for (const line of file.advice ?? []) lines.push(`    ${line}`);
    }
  }
  if (outcome.install) {
    const i = outcome.install;
    lines.push(
      '',
      i.skipped
        ? `Dependencies: not installed (${i.skipped})`
        : i.ok
          ? `Dependencies: installed (${i.command})`
          : c.bad(`Dependencies: ${i.command} failed: ${i.error}`),
    );
    if (!i.ok && i.tail.length > 0) lines.push(`  Last lines of its output:`, ...i.tail.map((line) => `    ${line}`));
    if (i.log !== null) lines.push(`  Its output: ${i.log}`);
  }
  if (plan.notes.length > 0) lines.push('', c.heading('Notes:'), ...plan.notes.map((n) => `  - ${withSelfCommand(n, self)}`));
  if (!outcome.dryRun && outcome.exitCode === 0)
    lines.push('', c.heading('Next steps:'), ...nextSteps(outcome, self, options.cwd ?? process.cwd()).map((s) => `  ${s}`));
  return lines.join('\n') + '\n';
}

/** The plan's next steps as the user can type them: this tool as invoked, from where they are. */
export function nextSteps(outcome: GenerateOutcome, self: string, cwd: string): string[] {
  const steps = outcome.plan.nextSteps.map((s) => withSelfCommand(s, self));
  const relative = path.relative(cwd, outcome.plan.root);
  if (outcome.facts.isNewDirectory && relative !== '') steps.unshift(`cd ${relative.includes(' ') ? JSON.stringify(relative) : relative}`);
  return steps;
}

/** The --json document: stable keys, no file contents. */
export function toJsonReport(outcome: GenerateOutcome, options: { self?: string; cwd?: string } = {}): object {
  return {
    root: outcome.plan.root,
    dryRun: outcome.dryRun,
    exitCode: outcome.exitCode,
    detected: {
      packageManager: outcome.facts.packageManager,
      webDir: outcome.facts.web.dir,
      nextMajor: outcome.facts.web.nextMajor,
      sessionFile: outcome.layout.rootSessionFile,
      backendDir: outcome.layout.backendFile ? (outcome.facts.backend?.dir ?? null) : null,
      migrationNaming: outcome.facts.supabase.naming,
    },
    summary: countByStatus(outcome.plan),
    files: outcome.plan.files.map((f) => ({
      path: f.path,
      group: f.group,
      status: f.status,
      reason: f.reason,
      ...(f.advice ? { advice: f.advice } : {}),
    })),
    backups: outcome.applied?.backups ?? [],
    install: outcome.install,
    notes: outcome.plan.notes.map((n) => withSelfCommand(n, options.self ?? selfCommand())),
    nextSteps: nextSteps(outcome, options.self ?? selfCommand(), options.cwd ?? process.cwd()),
  };
}

/** One line for the end of an interactive run: what happened to the files, and what to run next. */
export function shortSummary(outcome: GenerateOutcome, self: string, cwd: string): string {
  const counts = countByStatus(outcome.plan);
  const written = outcome.dryRun ? 0 : counts.create + counts.update + counts.overwrite;
  const parts = [
    `${written} written`,
    ...(counts.unchanged > 0 ? [`${counts.unchanged} unchanged`] : []),
    `${counts.skip} skipped`,
    `${counts.conflict} conflict${counts.conflict === 1 ? '' : 's'}`,
  ];
  const steps = outcome.exitCode === 0 && !outcome.dryRun ? nextSteps(outcome, self, cwd).map((step) => step.replace(/\s+#.*$/, '')) : [];
  const next = steps.length > 1 ? `${steps[0]} (then the steps above)` : steps[0];
  const end = outcome.dryRun ? 'dry run: nothing written' : next ? `next: ${next}` : `exit ${outcome.exitCode}`;
  return `${parts.join(', ')} · ${end}`;
}
