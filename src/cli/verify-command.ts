import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { verifyCommand, type VerifyCliOptions } from '../options/verify.js';
import { Cleanups, type CleanupFailure } from '../verify/cleanup.js';
import { formatGithubAnnotations } from '../verify/report/github.js';
import { formatHuman } from '../verify/report/human.js';
import { formatJson } from '../verify/report/json.js';
import { formatJunit } from '../verify/report/junit.js';
import type { GrantMode, VerifyOptions, VerifyReport } from '../verify/types.js';
import { knownPhaseIds } from '../verify/registry.js';
import { verifyPhase } from '../verify/verify.js';
import { errorLine, EXIT, exitCodeFor, VERIFY_EXITS } from './exit-codes.js';
import { runInterruptible } from './interrupt.js';
import { processIo, type CliIo } from './io.js';
import { parseOptions } from './parse-options.js';

/**
 * `verify-phase <phase> [dir] [options]` (also `create-saas-db verify …`): parses `argv` (the
 * arguments after the command name), runs the phase's checks, prints the report and returns the
 * exit code: 0 all passed, 1 a check failed, 2 usage error (or a --db-url server that lacks an
 * extension the repo creates), 130 interrupted.
 */
export async function runVerifyCli(argv: string[], io: CliIo = processIo(), command = 'verify-phase'): Promise<number> {
  const parsed = parseOptions({ ...verifyCommand, name: command }, argv, io);
  if (parsed.kind === 'printed') return EXIT.ok;
  if (parsed.kind === 'usage') {
    const message =
      parsed.missingArgument === 'phase'
        ? `which phase? known phases: ${knownPhaseIds().join(', ')} (e.g. ${command} ${knownPhaseIds()[0]} .; see --help)`
        : parsed.message;
    io.stderr(`${command}: ${message}\n`);
    return EXIT.usage;
  }
  return runAndReport(parsed.options, io, command);
}

/** Runs the checks (a STOP_SIGNALS signal drops the temporary databases and exits 130), prints, returns the exit code. */
async function runAndReport(options: VerifyCliOptions, io: CliIo, command: string): Promise<number> {
  const cleanups = new Cleanups();
  const root = path.resolve(io.cwd, options.dir);
  try {
    const outcome = await runInterruptible(
      (signal) => verifyPhase(options.phase, toVerifyOptions(options, root, signal), cleanups),
      () => cleanups.runAll(),
    );
    if (outcome.kind === 'interrupted') {
      io.stderr(`${command}: ${interruptionMessage(outcome.failures, options.dbUrl !== undefined)}\n`);
      return EXIT.cancelled;
    }
    if (outcome.kind === 'interrupted-again') {
      const left = cleanups.pendingLabels();
      io.stderr(
        `${command}: interrupted again; not waiting for the cleanup${left.length ? `: drop ${left.join(', ')} yourself if it remains` : ''}\n`,
      );
      return EXIT.cancelled;
    }
    const report = outcome.value;
    printReport(report, options, io);
    if (options.junit) {
      const file = path.resolve(io.cwd, options.junit);
      const failure = await writeFile(file, formatJunit(report)).then(
        () => null,
        (error: Error) => error.message,
      );
      if (failure !== null) {
        io.stderr(`${command}: --junit: cannot write ${file}: ${failure}\n`);
        return EXIT.usage;
      }
    }
    return report.ok ? EXIT.ok : EXIT.failure;
  } catch (error) {
    io.stderr(`${command}: ${errorLine(error)}\n`);
    return exitCodeFor(error, VERIFY_EXITS);
  }
}

function toVerifyOptions(options: VerifyCliOptions, root: string, signal: AbortSignal): VerifyOptions {
  const grants: GrantMode[] = options.grants === 'both' ? ['legacy', 'current'] : [options.grants];
  return {
    root,
    dbUrl: options.dbUrl ?? null,
    statementTimeoutMs: options.statementTimeout * 1000,
    grants,
    skip: options.skip,
    strict: options.strict,
    advisors: options.advisors,
    python: options.python ?? null,
    webDir: options.webDir,
    backendDir: options.backendDir,
    signal,
  };
}

function printReport(report: VerifyReport, options: VerifyCliOptions, io: CliIo): void {
  if (options.json) io.stdout(formatJson(report));
  else io.stdout(formatHuman(report));
  if (io.env['GITHUB_ACTIONS'] === 'true') {
    // With --json, stdout carries the document only; the runner reads commands from stderr too.
    const annotations = formatGithubAnnotations(report, io.env['GITHUB_WORKSPACE']);
    if (annotations.length > 0) (options.json ? io.stderr : io.stdout)(`${annotations.join('\n')}\n`);
  }
}

function interruptionMessage(failures: readonly CleanupFailure[], temporaryDatabases: boolean): string {
  if (failures.length > 0) {
    const details = failures.map((f) => `${f.label} (${f.error instanceof Error ? f.error.message : String(f.error)})`);
    return `interrupted; could not drop ${details.join(', ')}`;
  }
  return `interrupted${temporaryDatabases ? '; temporary databases dropped' : ''}`;
}
