import { isCliError, type CliErrorCode } from '../errors.js';

/** Documented in the README and each command's --help; stable for CI scripts. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  conflicts: 3,
  refused: 4,
  install: 5,
  cancelled: 130,
} as const;

/** A command's exit code for each typed error; anything else is an unexpected failure (1). */
export type ExitTable = Readonly<Record<CliErrorCode, number>>;

const BAD_INPUT = { usage: EXIT.usage, config: EXIT.usage, target: EXIT.usage, layout: EXIT.usage, template: EXIT.usage } as const;

export const GENERATE_EXITS: ExitTable = {
  ...BAD_INPUT,
  conflict: EXIT.conflicts,
  refused: EXIT.refused,
  install: EXIT.install,
  cancelled: EXIT.cancelled,
  migration: EXIT.failure,
  io: EXIT.failure,
  environment: EXIT.failure,
};

/**
 * 0 all checks passed · 1 a check failed · 2 usage error, or an environment that cannot verify
 * the repo as asked (nothing was checked: not the repo's failure) · 130 interrupted.
 */
export const VERIFY_EXITS: ExitTable = {
  ...BAD_INPUT,
  conflict: EXIT.failure,
  refused: EXIT.failure,
  install: EXIT.failure,
  cancelled: EXIT.cancelled,
  migration: EXIT.failure,
  io: EXIT.failure,
  environment: EXIT.usage,
};

/** 0 written or up to date · 1 drift, a failed migration or write · 2 bad input · 130 interrupted. */
export const TYPES_EXITS: ExitTable = {
  ...BAD_INPUT,
  conflict: EXIT.usage,
  refused: EXIT.usage,
  install: EXIT.usage,
  cancelled: EXIT.cancelled,
  migration: EXIT.failure,
  io: EXIT.failure,
  environment: EXIT.usage,
};

export function exitCodeFor(error: unknown, table: ExitTable): number {
  return isCliError(error) ? table[error.code] : EXIT.failure;
}

/** The one line a command prints for an error: the typed message, or the stack of an unexpected one. */
export function errorLine(error: unknown): string {
  if (isCliError(error)) return error.message;
  return `unexpected error: ${(error as Error | undefined)?.stack ?? String(error)}`;
}
