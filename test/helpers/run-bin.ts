import { execa } from 'execa';
import { builtBin } from './fixtures.js';

export interface BinResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built create-saas-db non-interactively (CI=true, no TTY), as CI would. */
export async function runBin(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<BinResult> {
  const result = await execa(process.execPath, [builtBin, ...args], {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    reject: false,
    stdin: 'ignore',
    // A hang is a failure, not a stuck test run.
    timeout: 100_000,
    env: { CI: 'true', ...options.env },
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

export interface JsonReport {
  exitCode: number;
  detected: { webDir: string; backendDir: string | null };
  files: Array<{ path: string; group: string; status: string; reason: string; advice?: string[] }>;
  notes: string[];
  backups: Array<{ path: string; backup: string }>;
}

export async function runJson(args: string[], options: { cwd?: string } = {}): Promise<{ result: BinResult; report: JsonReport }> {
  const result = await runBin([...args, '--json'], options);
  return { result, report: JSON.parse(result.stdout) as JsonReport };
}

export const statuses = (report: JsonReport) => Object.fromEntries(report.files.map((f) => [f.path, f.status]));
