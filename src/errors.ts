/**
 * Errors the pipeline can produce, as typed values. Only the command layer turns them into
 * messages and exit codes.
 */
export type CliErrorCode =
  | 'usage' // bad flag or option value
  | 'config' // scaffold-config.json unreadable or invalid
  | 'target' // target directory unusable (a file, read-only, symlink escape…)
  | 'layout' // repo layout cannot be adapted (ambiguous web app, migrations as a file…)
  | 'template' // a template failed to render
  | 'conflict' // files differ and were left alone
  | 'refused' // --append with migrations that already create our tables
  | 'install' // package manager failed
  | 'cancelled' // prompt cancelled or signal received
  | 'migration' // a migration failed to apply (file, line and the server's message)
  | 'environment' // the environment cannot run what was asked (a --db-url server without an extension the repo needs)
  | 'io'; // write failed (rolled back)

export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    readonly details: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** The first line of an error's message: what a one-line report shows. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? 'unknown error';
}

export const isCliError = (value: unknown): value is CliError => value instanceof CliError;
