import { CommanderError, type Command } from 'commander';

/**
 * Parses argv with a configured commander program (exitOverride, output routed). False when
 * help or the version was printed; a usage problem throws an Error with a one-line message.
 */
export function parseCommandLine(program: Command, argv: readonly string[]): boolean {
  try {
    program.parse([...argv], { from: 'user' });
    return true;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return false;
    throw new Error(`${error.message.replace(/^error: /, '')} (see --help)`);
  }
}
