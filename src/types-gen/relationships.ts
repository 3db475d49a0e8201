import type { ForeignKeyRow } from './catalog-queries.js';
import type { RelationshipModel } from './model.js';
import { compareNames } from './order.js';

/** A view of an exposed schema: for each of its columns, the table columns it shows. */
export interface ViewExposure {
  readonly oid: string;
  readonly schema: string;
  readonly name: string;
  /**
   * Key: `columnKey(table oid, attnum)`; value: the names of the view's columns showing that
   * column, directly or through other views, in column order.
   */
  readonly columnsShowing: ReadonlyMap<string, readonly string[]>;
}

export const columnKey = (relationOid: string, attnum: number): string => `${relationOid}:${attnum}`;

/** A relationship and the relation (`schema.name`) it belongs to. */
interface Placed extends RelationshipModel {
  readonly schema: string;
  readonly relation: string;
}

/**
 * Relationships by relation (`relationKey(schema, name)`): each foreign key as declared, then,
 * like PostgREST, the same key for every view showing all of its columns: from the view, to the
 * view, and from view to view, one per combination of view columns. Sorted (stably) by key
 * name, referenced relation and referenced columns, like `supabase gen types`.
 */
export function buildRelationships(
  foreignKeys: readonly ForeignKeyRow[],
  views: readonly ViewExposure[],
): Map<string, RelationshipModel[]> {
  const all: Placed[] = foreignKeys.map((fk) => ({
    foreignKeyName: fk.name,
    schema: fk.schema,
    relation: fk.relation,
    columns: fk.columns,
    isOneToOne: fk.is_one_to_one,
    referencedSchema: fk.referenced_schema,
    referencedRelation: fk.referenced_relation,
    referencedColumns: fk.referenced_columns,
  }));

  for (const fk of foreignKeys) {
    const base = { foreignKeyName: fk.name, isOneToOne: fk.is_one_to_one };
    const fromViews = showing(views, fk.relation_oid, fk.column_numbers);
    const toViews = showing(views, fk.referenced_oid, fk.referenced_column_numbers);
    for (const from of fromViews) {
      for (const columns of from.combinations) {
        all.push({
          ...base,
          schema: from.view.schema,
          relation: from.view.name,
          columns,
          referencedSchema: fk.referenced_schema,
          referencedRelation: fk.referenced_relation,
          referencedColumns: fk.referenced_columns,
        });
      }
    }
    for (const to of toViews) {
      for (const referencedColumns of to.combinations) {
        all.push({
          ...base,
          schema: fk.schema,
          relation: fk.relation,
          columns: fk.columns,
          referencedSchema: to.view.schema,
          referencedRelation: to.view.name,
          referencedColumns,
        });
      }
    }
    for (const from of fromViews) {
      for (const columns of from.combinations) {
        for (const to of toViews) {
          for (const referencedColumns of to.combinations) {
            all.push({
              ...base,
              schema: from.view.schema,
              relation: from.view.name,
              columns,
              referencedSchema: to.view.schema,
              referencedRelation: to.view.name,
              referencedColumns,
            });
          }
        }
      }
    }
  }

  all.sort(
    (a, b) =>
      compareNames(a.foreignKeyName, b.foreignKeyName) ||
      compareNames(a.referencedRelation, b.referencedRelation) ||
      compareNames(JSON.stringify(a.referencedColumns), JSON.stringify(b.referencedColumns)),
  );
  const byRelation = new Map<string, RelationshipModel[]>();
  for (const { schema, relation, ...relationship } of all) {
    const key = relationKey(schema, relation);
    byRelation.set(key, [...(byRelation.get(key) ?? []), relationship]);
  }
  return byRelation;
}

export const relationKey = (schema: string, name: string): string => `${schema}\u0000${name}`;

/** Views showing every one of the key's columns, with each combination of their columns. */
function showing(views: readonly ViewExposure[], relationOid: string, attnums: readonly number[]) {
  return views.flatMap((view) => {
    const perColumn = attnums.map((attnum) => view.columnsShowing.get(columnKey(relationOid, attnum)) ?? []);
    if (perColumn.some((names) => names.length === 0)) return [];
    const combinations = perColumn.reduce<string[][]>(
      (partial, names) => partial.flatMap((prefix) => names.map((name) => [...prefix, name])),
      [[]],
    );
    return [{ view, combinations }];
  });
}
