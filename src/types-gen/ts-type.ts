import type { TypeRef } from './model.js';

/**
 * TypeScript for a PostgreSQL type, exactly as `supabase gen types` writes it, as a list of
 * union members (`['string']`, `['"a"', '"b"']`). Types it has no mapping for (inet, money,
 * ranges, domains…) are `unknown`. Enums and composite types of exposed schemas are referenced
 * through `Database[...]`; an enum of another schema becomes its literal union, a composite
 * type of another schema `unknown`.
 */
export const NUMBER_TYPES: readonly string[] = ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'];
export const STRING_TYPES: readonly string[] = [
  'bytea',
  'bpchar',
  'varchar',
  'date',
  'text',
  'citext',
  'time',
  'timetz',
  'timestamp',
  'timestamptz',
  'uuid',
  'vector',
  'interval',
];

export function tsTypeMembers(type: TypeRef, exposedSchemas: ReadonlySet<string>): string[] {
  switch (type.kind) {
    case 'base':
      if (type.name === 'bool') return ['boolean'];
      if (NUMBER_TYPES.includes(type.name)) return ['number'];
      if (STRING_TYPES.includes(type.name)) return ['string'];
      if (type.name === 'json' || type.name === 'jsonb') return ['Json'];
      if (type.name === 'void') return ['undefined'];
      if (type.name === 'record') return ['Record<string, unknown>'];
      return ['unknown'];
    case 'enum':
      if (exposedSchemas.has(type.schema)) return [schemaPath(type.schema, 'Enums', type.name)];
      return type.values.map(stringLiteral);
    case 'composite':
      return exposedSchemas.has(type.schema) ? [schemaPath(type.schema, 'CompositeTypes', type.name)] : ['unknown'];
    case 'row':
      return [`${schemaPath(type.schema, type.relationKind === 'table' ? 'Tables' : 'Views', type.relation)}["Row"]`];
    case 'array': {
      const element = tsTypeMembers(type.element, exposedSchemas);
      return [element.length === 1 ? `${element[0]}[]` : `(${element.join(' | ')})[]`];
    }
  }
}

/**
 * A string literal the way the Prettier-style formatter behind `supabase gen types` writes it:
 * double quotes, unless the text holds more double quotes than single quotes.
 */
export function stringLiteral(value: string): string {
  const content = JSON.stringify(value).slice(1, -1);
  const doubles = content.split('"').length - 1;
  const singles = content.split("'").length - 1;
  const quote = doubles > singles ? "'" : '"';
  const other = quote === '"' ? "'" : '"';
  const body = content.replace(/\\(.)|(["'])/gs, (match: string, escaped?: string, bare?: string) => {
    if (escaped === other) return escaped;
    if (bare === quote) return `\\${bare}`;
    if (bare !== undefined) return bare;
    return match;
  });
  return `${quote}${body}${quote}`;
}

function schemaPath(schema: string, section: string, name: string): string {
  return `Database[${stringLiteral(schema)}][${stringLiteral(section)}][${stringLiteral(name)}]`;
}
