import { Argument, Command, CommanderError, Option } from 'commander';
import { validateOptions, type CommandSpec, type Fields, type ParsedFields } from '../options/spec.js';
import type { CliIo } from './io.js';
import { packageVersion } from '../package-version.js';

/** What reading a command line can come to; a usage problem is a value, already one line. */
export type ParsedCommandLine<T> =
  | { readonly kind: 'options'; readonly options: T }
  /** --help or --version was printed. */
  | { readonly kind: 'printed' }
  /** missingArgument: the name of a required argument that was not given. */
  | { readonly kind: 'usage'; readonly message: string; readonly missingArgument?: string };

/**
 * Reads `argv` (what follows the command's name) with a commander program built from `spec`
 * (help goes to io.stdout), then validates the values with the spec's schemas.
 */
export function parseOptions<A extends Fields, O extends Fields>(
  spec: CommandSpec<A, O>,
  argv: readonly string[],
  io: CliIo,
): ParsedCommandLine<ParsedFields<A & O>> {
  const program = buildProgram(spec, io);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return { kind: 'printed' };
    const missing = error.code === 'commander.missingArgument' ? /'([^']+)'/.exec(error.message)?.[1] : undefined;
    return {
      kind: 'usage',
      message: `${error.message.replace(/^error: /, '')} (see --help)`,
      ...(missing ? { missingArgument: missing } : {}),
    };
  }
  const args = Object.fromEntries(Object.keys(spec.arguments).map((key, i) => [key, program.processedArgs[i]]));
  const result = validateOptions(spec, { ...program.opts(), ...args });
  return result.ok ? { kind: 'options', options: result.options } : { kind: 'usage', message: result.message };
}

function buildProgram<A extends Fields, O extends Fields>(spec: CommandSpec<A, O>, io: CliIo): Command {
  const program = new Command(spec.name).description(spec.description);
  for (const arg of Object.values(spec.arguments)) {
    const argument = new Argument(arg.syntax, arg.help);
    program.addArgument(arg.shownDefault === undefined ? argument : argument.default(arg.shownDefault));
  }
  for (const [key, opt] of Object.entries(spec.options)) {
    const option = new Option(opt.syntax, opt.help);
    if (option.attributeName() !== key)
      throw new Error(`${spec.name}: option ${opt.syntax} is declared as ${key}, not ${option.attributeName()}`);
    program.addOption(opt.shownDefault === undefined ? option : option.default(opt.shownDefault));
  }
  if (spec.version) program.version(packageVersion(), '-v, --version');
  return program
    .helpOption('-h, --help')
    .addHelpText('after', spec.helpAfter)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: () => undefined });
}
