import Handlebars from 'handlebars';

/** A Handlebars instance with the few helpers our templates need; strict so a typo fails. */
export function createRenderer(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper('sqlLiteral', (value: unknown) => new hb.SafeString(sqlLiteral(String(value))));
  hb.registerHelper('sqlIdent', (value: unknown) => new hb.SafeString(sqlIdent(String(value))));
  hb.registerHelper(
    'sqlList',
    (values: unknown) => new hb.SafeString((values as unknown[]).map((v) => sqlLiteral(String(v))).join(', ')),
  );
  hb.registerHelper('json', (value: unknown) => new hb.SafeString(JSON.stringify(value)));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return hb;
}

export function sqlLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function sqlIdent(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
