import type { TypeRow } from './catalog-queries.js';
import type { TypeRef } from './model.js';

/** Resolves type OIDs to `TypeRef`s from the whole `pg_type` table, loaded once. */
export function createTypeResolver(rows: readonly TypeRow[]): (oid: string) => TypeRef {
  const byOid = new Map(rows.map((row) => [row.oid, row]));

  const resolve = (oid: string, depth = 0): TypeRef => {
    const row = byOid.get(oid);
    if (!row || depth > 16) return { kind: 'pseudo', name: 'unknown' };

    switch (row.typtype) {
      case 'd':
        return resolve(row.base_oid, depth + 1);
      case 'e':
        return { kind: 'enum', schema: row.schema, name: row.name, values: row.enum_values ?? [] };
      case 'c':
        return compositeRef(row);
      case 'r':
      case 'm':
        return { kind: 'range', name: row.name };
      case 'p':
        return { kind: 'pseudo', name: row.name };
      default:
        if (row.category === 'A' && row.element_oid !== '0') {
          return { kind: 'array', element: resolve(row.element_oid, depth + 1) };
        }
        return { kind: 'base', name: row.name };
    }
  };

  return (oid) => resolve(oid);
}

function compositeRef(row: TypeRow): TypeRef {
  switch (row.relkind) {
    case 'r':
    case 'p':
    case 'f':
      return { kind: 'row', schema: row.schema, relation: row.name, relationKind: 'table' };
    case 'v':
    case 'm':
      return { kind: 'row', schema: row.schema, relation: row.name, relationKind: 'view' };
    default:
      return { kind: 'composite', schema: row.schema, name: row.name };
  }
}
