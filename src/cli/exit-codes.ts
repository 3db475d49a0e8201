import type { CliErrorCode } from '../errors.js';

/** Documented in the README; stable for CI scripts. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  conflicts: 3,
  refused: 4,
  install: 5,
  cancelled: 130,
} as const;

export function exitCodeFor(code: CliErrorCode): number {
  switch (code) {
    case 'usage':
    case 'config':
    case 'target':
    case 'layout':
    case 'template':
      return EXIT.usage;
    case 'conflict':
      return EXIT.conflicts;
    case 'refused':
      return EXIT.refused;
    case 'install':
      return EXIT.install;
    case 'cancelled':
      return EXIT.cancelled;
    case 'io':
      return EXIT.failure;
  }
}
