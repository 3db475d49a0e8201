/** The part of a Handlebars environment (full compiler or runtime only) our helpers need. */
export interface HelperHost {
  registerHelper(name: string, fn: (...args: never[]) => unknown): void;
  SafeString: new (value: string) => unknown;
}

/** The few helpers our templates use; registered on whichever Handlebars environment renders. */
export function registerHelpers(hb: HelperHost): void {
  const safe = (value: string) => new hb.SafeString(value);
  hb.registerHelper('sqlLiteral', (value: unknown) => safe(sqlLiteral(String(value))));
  hb.registerHelper('sqlIdent', (value: unknown) => safe(sqlIdent(String(value))));
  hb.registerHelper('sqlList', (values: unknown) => safe((values as unknown[]).map((v) => sqlLiteral(String(v))).join(', ')));
  hb.registerHelper('json', (value: unknown) => safe(JSON.stringify(value)));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
}

export function sqlLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function sqlIdent(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/** Compile options shared by the build-time precompiler and the runtime fallback. */
export const COMPILE_OPTIONS = { strict: true, noEscape: true } as const;
