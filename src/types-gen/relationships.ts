import type { RelationshipModel } from './model.js';
import { compareNames } from './order.js';

/** A foreign key of a table in the introspected schema. */
export interface ForeignKey {
  readonly name: string;
  readonly relationOid: string;
  readonly columns: readonly string[];
  readonly referencedOid: string;
  readonly referencedSchema: string;
  readonly referencedRelation: string;
  readonly referencedColumns: readonly string[];
  readonly isOneToOne: boolean;
}

/** A view of the schema and, for each table column it shows unchanged, the view column's name. */
export interface ViewExposure {
  readonly oid: string;
  readonly name: string;
  /** Key: `<table oid>\u0000<table column>`; value: the view column showing it. */
  readonly columnFor: ReadonlyMap<string, string>;
}

export const columnKey = (relationOid: string, column: string): string => `${relationOid}\u0000${column}`;

/**
 * Relationships of every table and view, by relation OID: each foreign key as declared, and,
 * like PostgREST, the same key again wherever a view shows all of its columns, on either side.
 */
export function buildRelationships(
  foreignKeys: readonly ForeignKey[],
  views: readonly ViewExposure[],
  schema: string,
): Map<string, RelationshipModel[]> {
  const byRelation = new Map<string, RelationshipModel[]>();
  const add = (oid: string, relationship: RelationshipModel) => {
    const list = byRelation.get(oid) ?? [];
    if (!list.some((existing) => sameRelationship(existing, relationship))) list.push(relationship);
    byRelation.set(oid, list);
  };

  for (const fk of foreignKeys) {
    const sources = [{ oid: fk.relationOid, columns: fk.columns }, ...showing(views, fk.relationOid, fk.columns)];
    const targets = [
      { schema: fk.referencedSchema, name: fk.referencedRelation, columns: fk.referencedColumns },
      ...(fk.referencedSchema === schema
        ? showing(views, fk.referencedOid, fk.referencedColumns).map((view) => ({ schema, ...view }))
        : []),
    ];
    for (const source of sources) {
      for (const target of targets) {
        add(source.oid, {
          foreignKeyName: fk.name,
          columns: source.columns,
          isOneToOne: fk.isOneToOne,
          referencedSchema: target.schema,
          referencedRelation: target.name,
          referencedColumns: target.columns,
        });
      }
    }
  }

  for (const list of byRelation.values()) {
    list.sort(
      (a, b) =>
        compareNames(a.foreignKeyName, b.foreignKeyName) ||
        compareNames(a.referencedRelation, b.referencedRelation) ||
        compareNames(a.columns.join(','), b.columns.join(',')),
    );
  }
  return byRelation;
}

/** Views showing every one of `columns` of a relation, with the view's names for them. */
function showing(views: readonly ViewExposure[], relationOid: string, columns: readonly string[]) {
  return views.flatMap((view) => {
    const names = columns.map((column) => view.columnFor.get(columnKey(relationOid, column)));
    return names.every((name): name is string => name !== undefined)
      ? [{ oid: view.oid, name: view.name, columns: names }]
      : [];
  });
}

function sameRelationship(a: RelationshipModel, b: RelationshipModel): boolean {
  return (
    a.foreignKeyName === b.foreignKeyName &&
    a.referencedSchema === b.referencedSchema &&
    a.referencedRelation === b.referencedRelation &&
    a.columns.join('\u0000') === b.columns.join('\u0000') &&
    a.referencedColumns.join('\u0000') === b.referencedColumns.join('\u0000')
  );
}
