// zod/mini: the same validation as classic zod at a fraction of its load time (this runs on every start).
import * as z from 'zod/mini';

/**
 * One command's interface, declared once: each argument and flag with its help and the schema
 * that validates it. The command layer builds the parser and the help from it; adding a flag is
 * adding one entry here.
 */
export interface CommandSpec<A extends Fields = Fields, O extends Fields = Fields> {
  /** As shown in help and error messages (`create-saas-db types`). */
  readonly name: string;
  readonly description: string;
  /** Positional arguments, in order; keys are the names the options object uses. */
  readonly arguments: A;
  /** Keys are the camel-cased flag names commander derives (`--web-dir` → webDir, `--no-types` → types). */
  readonly options: O;
  /** Printed after the options in --help (the exit codes). */
  readonly helpAfter: string;
  /** `-v, --version` prints the package version. */
  readonly version?: boolean;
  /** A rule across fields, checked once each field is valid (e.g. names that depend on another option). */
  readonly crossCheck?: (options: ParsedFields<A & O>) => FieldProblem | null;
}

export interface FieldSpec<S extends z.core.$ZodType = z.core.$ZodType> {
  /** Commander syntax: `--web-dir <dir>`, `--no-backend`, `-y, --yes`; for an argument `<phase>` or `[dir]`. */
  readonly syntax: string;
  readonly help: string;
  /** The default as --help shows it (the schema applies it). */
  readonly shownDefault?: string;
  readonly schema: S;
}

export type Fields = Readonly<Record<string, FieldSpec>>;
export type ParsedFields<F extends Fields> = { [K in keyof F]: z.infer<F[K]['schema']> };
export type OptionsOf<C> = C extends CommandSpec<infer A, infer O> ? ParsedFields<A & O> : never;

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export function defineCommand<A extends Fields, O extends Fields>(spec: CommandSpec<A, O>): CommandSpec<A, O> {
  return spec;
}

export const field = <S extends z.core.$ZodType>(syntax: string, help: string, schema: S, shownDefault?: string): FieldSpec<S> =>
  shownDefault === undefined ? { syntax, help, schema } : { syntax, help, schema, shownDefault };

/** A boolean flag and its value when absent. */
export const flag = (value: boolean) => z._default(z.boolean(), value);

/** Any non-empty string (a file name, an interpreter). */
export const text = () => z.string().check(z.minLength(1, 'must not be empty'));

/**
 * The raw values commander produced, validated: the typed options, or the first problem as
 * `--flag: message` (an argument's problem is its message alone).
 */
export function validateOptions<A extends Fields, O extends Fields>(
  spec: CommandSpec<A, O>,
  raw: Record<string, unknown>,
): { ok: true; options: ParsedFields<A & O> } | { ok: false; message: string } {
  const fields = { ...spec.arguments, ...spec.options } as Fields;
  const shape = Object.fromEntries(Object.entries(fields).map(([key, f]) => [key, f.schema]));
  const parsed = z.object(shape).safeParse(raw);
  if (!parsed.success) return { ok: false, message: describeIssue(spec.arguments, parsed.error.issues[0]) };
  const options = parsed.data as ParsedFields<A & O>;
  const problem = spec.crossCheck?.(options) ?? null;
  return problem ? { ok: false, message: `${flagName(problem.field)}: ${problem.message}` } : { ok: true, options };
}

/** The issue's params may ask for the offending value to be shown after the flag (`--web-dir ../x: …`). */
export interface ShownValueParams {
  readonly shownValue: string;
}

function describeIssue(args: Fields, issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid options';
  const key = String(issue.path[0] ?? '');
  if (key in args) return issue.message;
  const shown = issue.code === 'custom' ? (issue.params as Partial<ShownValueParams> | undefined)?.shownValue : undefined;
  return `${key ? flagName(key) : 'options'}${shown === undefined ? '' : ` ${shown}`}: ${issue.message}`;
}

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
