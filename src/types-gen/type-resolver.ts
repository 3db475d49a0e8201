import type { TypeRow } from './catalog-queries.js';
import type { RowTypeModel, TypeRef } from './model.js';
import { compareNames } from './order.js';
import { NUMBER_TYPES, STRING_TYPES } from './ts-type.js';

/** A table or view of an exposed schema, which row types resolve to. */
export interface ExposedRelation {
  readonly schema: string;
  readonly name: string;
  readonly kind: 'table' | 'foreign table' | 'view' | 'materialized view';
}

export interface TypeResolver {
  /** A type named `name` owned by `schema`, resolved by name like the API's type generator. */
  byName(name: string, schema: string): TypeRef;
  /** A type by OID, by its own name and schema. */
  byOid(oid: string): TypeRef;
  row(oid: string): TypeRow | undefined;
  rowType(oid: string): RowTypeModel | null;
}

/** Names rendered from the name alone, before any lookup (see `tsTypeMembers`). */
const BUILT_IN_NAMES = new Set(['bool', 'json', 'jsonb', 'void', 'record', ...NUMBER_TYPES, ...STRING_TYPES]);

const RELATION_ORDER: readonly ExposedRelation['kind'][] = ['table', 'foreign table', 'view', 'materialized view'];

/**
 * Resolution by name, as `supabase gen types` does it: a name starting with `_` is an array of
 * the rest; otherwise the first enum of that name (with labels), then composite type (with
 * attributes), then exposed table or view, preferring one in `schema`; anything else is a
 * plain base type, rendered from its name.
 */
export function createTypeResolver(rows: readonly TypeRow[], relations: readonly ExposedRelation[]): TypeResolver {
  const byOid = new Map(rows.map((row) => [row.oid, row]));
  const sorted = [...rows].sort(
    (a, b) => compareNames(a.schema, b.schema) || compareNames(a.name, b.name) || Number(a.oid) - Number(b.oid),
  );
  const enums = groupByName(sorted.filter((row) => row.enum_values.length > 0));
  const composites = groupByName(sorted.filter((row) => (row.attributes?.length ?? 0) > 0));
  const relationsInOrder = RELATION_ORDER.flatMap((kind) =>
    relations.filter((relation) => relation.kind === kind).sort((a, b) => compareNames(a.schema, b.schema) || compareNames(a.name, b.name)),
  );

  const byName = (name: string, schema: string): TypeRef => {
    if (BUILT_IN_NAMES.has(name)) return { kind: 'base', name };
    if (name.startsWith('_')) return { kind: 'array', element: byName(name.slice(1), schema) };

    const enumRow = preferSchema(enums.get(name), schema);
    if (enumRow) return { kind: 'enum', schema: enumRow.schema, name: enumRow.name, values: enumRow.enum_values };

    const composite = preferSchema(composites.get(name), schema);
    if (composite) return { kind: 'composite', schema: composite.schema, name: composite.name };

    const relation = relationsInOrder.find((r) => r.name === name && r.schema === schema) ?? relationsInOrder.find((r) => r.name === name);
    if (relation) {
      const relationKind = relation.kind === 'table' || relation.kind === 'foreign table' ? 'table' : 'view';
      return { kind: 'row', schema: relation.schema, relation: relation.name, relationKind };
    }
    return { kind: 'base', name };
  };

  return {
    byName,
    byOid: (oid) => {
      const row = byOid.get(oid);
      return row ? byName(row.name, row.schema) : { kind: 'base', name: 'unknown' };
    },
    row: (oid) => byOid.get(oid),
    rowType: (oid) => {
      const row = byOid.get(oid);
      if (!row?.relkind) return null;
      const kind = row.relkind === 'c' ? 'composite' : row.relkind === 'v' || row.relkind === 'm' ? 'view' : 'table';
      return { schema: row.schema, name: row.name, qualifiedName: row.qualified_name, kind };
    },
  };
}

function groupByName(rows: readonly TypeRow[]): Map<string, TypeRow[]> {
  const groups = new Map<string, TypeRow[]>();
  for (const row of rows) groups.set(row.name, [...(groups.get(row.name) ?? []), row]);
  return groups;
}

function preferSchema(candidates: readonly TypeRow[] | undefined, schema: string): TypeRow | undefined {
  return candidates?.find((row) => row.schema === schema) ?? candidates?.[0];
}
