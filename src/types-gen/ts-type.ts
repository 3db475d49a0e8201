import type { TypeRef } from './model.js';

/**
 * TypeScript for a PostgreSQL type as PostgREST serialises it to JSON, as a list of union
 * members (`['string']`, `['"a"', '"b"']`). Types of the rendered schema are referenced through
 * `Database[...]`; an enum of another schema becomes its literal union.
 *
 * Same mapping as `supabase gen types`, except that types it leaves `unknown` although their
 * JSON form is a string (interval, inet, cidr, macaddr, money, tsvector, ranges…) are `string`.
 */
const NUMBER_TYPES = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'oid']);
const STRING_TYPES = new Set([
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
  'inet',
  'cidr',
  'macaddr',
  'macaddr8',
  'money',
  'name',
  'char',
  'bit',
  'varbit',
  'tsvector',
  'tsquery',
  'xml',
]);

export function tsTypeMembers(type: TypeRef, schema: string): string[] {
  switch (type.kind) {
    case 'base':
      if (type.name === 'bool') return ['boolean'];
      if (NUMBER_TYPES.has(type.name)) return ['number'];
      if (STRING_TYPES.has(type.name)) return ['string'];
      if (type.name === 'json' || type.name === 'jsonb') return ['Json'];
      return ['unknown'];
    case 'range':
      return ['string'];
    case 'pseudo':
      if (type.name === 'void') return ['undefined'];
      if (type.name === 'record') return ['Record<string, unknown>'];
      return ['unknown'];
    case 'enum':
      if (type.schema === schema) return [schemaPath(schema, 'Enums', type.name)];
      return type.values.length > 0 ? type.values.map(stringLiteral) : ['string'];
    case 'composite':
      return type.schema === schema ? [schemaPath(schema, 'CompositeTypes', type.name)] : ['unknown'];
    case 'row':
      if (type.schema !== schema) return ['unknown'];
      return [`${schemaPath(schema, type.relationKind === 'table' ? 'Tables' : 'Views', type.relation)}["Row"]`];
    case 'array': {
      const element = tsTypeMembers(type.element, schema);
      return [element.length === 1 ? `${element[0]}[]` : `(${element.join(' | ')})[]`];
    }
  }
}

export const stringLiteral = (value: string): string => JSON.stringify(value);

function schemaPath(schema: string, section: string, name: string): string {
  return `Database[${stringLiteral(schema)}][${stringLiteral(section)}][${stringLiteral(name)}]`;
}
