import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { isCliError } from '../errors.js';
import { describeOptionsError } from '../options/schema.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { Cleanups, type CleanupFailure } from '../verify/cleanup.js';
import { findPhase, knownPhaseIds } from '../verify/registry.js';
import { formatGithubAnnotations } from '../verify/report/github.js';
import { formatHuman } from '../verify/report/human.js';
import { formatJson } from '../verify/report/json.js';
import { formatJunit } from '../verify/report/junit.js';
import type { PhaseDefinition } from '../verify/phase.js';
import type { GrantMode, VerifyOptions, VerifyReport } from '../verify/types.js';
import { verifyPhase } from '../verify/verify.js';

/** Where the command writes; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
};

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), 'must be a postgres:// or postgresql:// URL');

const optionsSchema = z.object({
  dbUrl: postgresUrl.optional(),
  grants: z.enum(['legacy', 'current', 'both'], { message: 'must be legacy, current or both' }).default('both'),
  skip: z.string().optional(),
  strict: z.boolean().default(false),
  advisors: z.enum(['warn', 'error', 'all', 'off'], { message: 'must be warn, error, all or off' }).default('warn'),
  python: z.string().min(1).optional(),
  webDir: z.string().min(1).optional(),
  backendDir: z.string().min(1).optional(),
  json: z.boolean().default(false),
  junit: z.string().min(1).optional(),
});

type ParsedOptions = z.infer<typeof optionsSchema>;

/**
 * `verify-phase <phase> [dir] [options]` (also `create-saas-db verify …`): parses `argv` (the
 * arguments after the command name), runs the phase's checks, prints the report and returns the
 * exit code: 0 all passed, 1 a check failed, 2 usage error, 130 interrupted.
 */
export async function runVerifyCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const request = await parseRequest(argv, io);
  return typeof request === 'number' ? request : runAndReport(request, io);
}

interface VerifyRequest {
  readonly phase: PhaseDefinition;
  readonly options: ParsedOptions;
  readonly root: string;
  readonly skip: string[];
}

/** The validated request, or the exit code of a usage error (already reported). */
async function parseRequest(argv: string[], io: CliIo): Promise<VerifyRequest | number> {
  let parsed: { phase: string; dir: string; options: Record<string, unknown> } | null = null;
  const program = buildProgram(io, (phase, dir, options) => {
    parsed = { phase, dir: dir ?? '.', options };
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
  if (parsed === null) return EXIT.usage;
  const { phase: phaseInput, dir, options: rawOptions } = parsed;

  const phase = findPhase(phaseInput);
  if (!phase) {
    io.stderr(`verify-phase: unknown phase "${phaseInput}"; known phases: ${knownPhaseIds().join(', ')}\n`);
    return EXIT.usage;
  }
  const options = optionsSchema.safeParse(rawOptions);
  if (!options.success) {
    io.stderr(`verify-phase: ${describeOptionsError(options.error)}\n`);
    return EXIT.usage;
  }
  const skip = splitList(options.data.skip);
  const checkNames = phase.checks.map((c) => c.name);
  const unknown = skip.filter((name) => !checkNames.includes(name));
  if (unknown.length > 0) {
    io.stderr(`verify-phase: --skip: unknown check ${unknown.join(', ')}; phase ${phase.id} has: ${checkNames.join(', ')}\n`);
    return EXIT.usage;
  }
  return { phase, options: options.data, root: path.resolve(io.cwd, dir), skip };
}

/** Runs the checks (SIGINT/SIGTERM drop the temporary databases and exit 130), prints, returns the exit code. */
async function runAndReport({ phase, options, root, skip }: VerifyRequest, io: CliIo): Promise<number> {
  const controller = new AbortController();
  const cleanups = new Cleanups();
  const verifyOptions = toVerifyOptions(options, root, skip, controller.signal);
  const interruption = onInterrupt(async () => {
    controller.abort();
    return cleanups.runAll();
  });
  try {
    const finished = verifyPhase(phase, verifyOptions, cleanups).then((report) => ({ kind: 'finished' as const, report }));
    const outcome = await Promise.race([finished, interruption.happened]);
    if (outcome.kind === 'interrupted') {
      io.stderr(`verify-phase: ${interruptionMessage(outcome.failures, verifyOptions.dbUrl !== null)}\n`);
      return EXIT.cancelled;
    }
    if (outcome.kind === 'interrupted-again') {
      const left = cleanups.pendingLabels();
      io.stderr(
        `verify-phase: interrupted again; not waiting for the cleanup${left.length ? `: drop ${left.join(', ')} yourself if it remains` : ''}\n`,
      );
      return EXIT.cancelled;
    }
    const { report } = outcome;
    printReport(report, options, io);
    if (options.junit) {
      const file = path.resolve(io.cwd, options.junit);
      const failure = await writeFile(file, formatJunit(report)).then(() => null, (error: Error) => error.message);
      if (failure !== null) {
        io.stderr(`verify-phase: --junit: cannot write ${file}: ${failure}\n`);
        return EXIT.usage;
      }
    }
    return report.ok ? EXIT.ok : EXIT.failure;
  } catch (error) {
    if (controller.signal.aborted) return EXIT.cancelled;
    if (isCliError(error)) {
      io.stderr(`verify-phase: ${error.message}\n${error.details.map((d) => `  ${d}\n`).join('')}`);
      return exitCodeFor(error.code);
    }
    throw error;
  } finally {
    interruption.dispose();
  }
}

function buildProgram(
  io: CliIo,
  onParsed: (phase: string, dir: string | undefined, options: Record<string, unknown>) => void,
): Command {
  return new Command('verify-phase')
    .description('Prove that a scaffolding phase works: its SQL applies and is secure, its clients compile.')
    .argument('<phase>', `phase to verify (${knownPhaseIds().join(', ')})`)
    .argument('[dir]', 'repo root', '.')
    .option('--db-url <url>', 'run the database checks in a temporary database on this PostgreSQL server (default: embedded engine)')
    .option('--grants <mode>', 'Supabase default grants to verify under: legacy, current or both', 'both')
    .option('--skip <checks>', 'comma-separated checks to skip')
    .option('--strict', 'a skipped check fails the run')
    .option('--advisors <level>', "advisor findings that fail: warn (warnings and errors on the phase's objects), error, all (also the repo's own objects), or off", 'warn')
    .option('--python <path>', 'Python interpreter with supabase installed (default: the backend .venv)')
    .option('--web-dir <dir>', 'web app directory relative to the repo')
    .option('--backend-dir <dir>', 'Python backend directory relative to the repo')
    .option('--json', 'print the report as one JSON document')
    .option('--junit <file>', 'also write the report as JUnit XML')
    .addHelpText('after', '\nExit codes: 0 all checks passed, 1 a check failed, 2 usage error, 130 interrupted.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action((phase: string, dir: string | undefined, options: Record<string, unknown>) => onParsed(phase, dir, options));
}

function toVerifyOptions(options: ParsedOptions, root: string, skip: string[], signal: AbortSignal): VerifyOptions {
  const grants: GrantMode[] = options.grants === 'both' ? ['legacy', 'current'] : [options.grants];
  return {
    root,
    dbUrl: options.dbUrl ?? null,
    grants,
    skip,
    strict: options.strict,
    advisors: options.advisors,
    python: options.python ?? null,
    webDir: options.webDir,
    backendDir: options.backendDir,
    signal,
  };
}

function printReport(report: VerifyReport, options: ParsedOptions, io: CliIo): void {
  if (options.json) io.stdout(formatJson(report));
  else io.stdout(formatHuman(report));
  if (io.env['GITHUB_ACTIONS'] === 'true') {
    // With --json, stdout carries the document only; the runner reads commands from stderr too.
    const annotations = formatGithubAnnotations(report, io.env['GITHUB_WORKSPACE']);
    if (annotations.length > 0) (options.json ? io.stderr : io.stdout)(`${annotations.join('\n')}\n`);
  }
}

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function interruptionMessage(failures: readonly CleanupFailure[], temporaryDatabases: boolean): string {
  if (failures.length > 0) {
    const details = failures.map((f) => `${f.label} (${f.error instanceof Error ? f.error.message : String(f.error)})`);
    return `interrupted; could not drop ${details.join(', ')}`;
  }
  return `interrupted${temporaryDatabases ? '; temporary databases dropped' : ''}`;
}

type Interruption =
  | { readonly kind: 'interrupted'; readonly failures: readonly CleanupFailure[] }
  /** A second signal while the cleanup was still running: the user will not wait for it. */
  | { readonly kind: 'interrupted-again' };

/**
 * SIGINT/SIGTERM run `cleanup`, then `happened` resolves; a second signal resolves it at once.
 * `dispose` removes the handlers.
 */
function onInterrupt(cleanup: () => Promise<CleanupFailure[]>): { happened: Promise<Interruption>; dispose: () => void } {
  let handler: () => void = () => undefined;
  const happened = new Promise<Interruption>((resolve) => {
    let started = false;
    handler = () => {
      if (started) {
        resolve({ kind: 'interrupted-again' });
        return;
      }
      started = true;
      void cleanup().then(
        (failures) => resolve({ kind: 'interrupted', failures }),
        (error: unknown) => resolve({ kind: 'interrupted', failures: [{ label: 'cleanup', error }] }),
      );
    };
  });
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    happened,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
