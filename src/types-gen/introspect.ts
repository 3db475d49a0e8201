import {
  CHECKS_SQL,
  COLUMNS_SQL,
  FOREIGN_KEYS_SQL,
  FUNCTIONS_SQL,
  RELATIONS_SQL,
  SCHEMAS_SQL,
  TYPES_SQL,
  VIEW_ATTRIBUTES_SQL,
  VIEW_QUERIES_SQL,
  type CheckRow,
  type ColumnRow,
  type ForeignKeyRow,
  type FunctionRow,
  type RelationRow,
  type SchemaRow,
  type TypeRow,
  type ViewAttributeRow,
  type ViewQueryRow,
} from './catalog-queries.js';
import { allowedValuesFromCheck, intersectAllowedValues } from './check-values.js';
import type {
  ArgumentMode,
  ColumnModel,
  CompositeTypeModel,
  DatabaseModel,
  EnumModel,
  FunctionArgumentModel,
  FunctionModel,
  SchemaModel,
  TableModel,
  TypeRef,
  ViewModel,
} from './model.js';
import { byName, compareNames } from './order.js';
import { buildRelationships, columnKey, relationKey, type ViewExposure } from './relationships.js';
import { createTypeResolver, type ExposedRelation, type TypeResolver } from './type-resolver.js';
import { viewColumnSources } from './view-sources.js';

/**
 * What introspection needs from a database: one parameterised query at a time, returning rows.
 * The project's `SqlEngine` (embedded or PostgreSQL) satisfies it.
 */
export interface CatalogReader {
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/**
 * Reads the given schemas' tables, views, functions, enums and composite types from the
 * catalog. Schemas that do not exist (or that the role cannot see into) are left out.
 */
export async function introspectDatabase(reader: CatalogReader, schemas: readonly string[] = ['public']): Promise<DatabaseModel> {
  const wanted = [...new Set(schemas)];
  // Sequential on purpose: one connection, and the embedded engine runs one query at a time.
  const schemaRows = await reader.query<SchemaRow>(SCHEMAS_SQL, [wanted]);
  const exposed = schemaRows.map((row) => row.name).sort(compareNames);
  const types = await reader.query<TypeRow>(TYPES_SQL, []);
  const relations = await reader.query<RelationRow>(RELATIONS_SQL, [exposed]);
  const columns = await reader.query<ColumnRow>(COLUMNS_SQL, [exposed]);
  const checks = await reader.query<CheckRow>(CHECKS_SQL, [exposed]);
  const foreignKeys = await reader.query<ForeignKeyRow>(FOREIGN_KEYS_SQL, [exposed]);
  const functions = await reader.query<FunctionRow>(FUNCTIONS_SQL, [exposed]);
  const viewQueries = await reader.query<ViewQueryRow>(VIEW_QUERIES_SQL, [exposed]);
  const viewAttributes = await reader.query<ViewAttributeRow>(VIEW_ATTRIBUTES_SQL, [exposed]);

  const resolver = createTypeResolver(types, relations.map(toExposedRelation));
  const columnsByRelation = groupBy(columns, (column) => column.relation_oid);
  const checksByRelation = groupBy(checks, (check) => check.relation_oid);
  const relationships = buildRelationships(foreignKeys, toViewExposures(relations, viewAttributes, viewQueries));
  const relationsBySchema = groupBy(relations, (relation) => relation.schema);
  const functionsBySchema = groupBy(functions, (fn) => fn.schema);

  return {
    schemas: exposed.map((schema): SchemaModel => {
      const tables: TableModel[] = [];
      const views: ViewModel[] = [];
      for (const relation of relationsBySchema.get(schema) ?? []) {
        const relationColumns = toColumns(columnsByRelation.get(relation.oid) ?? [], checksByRelation.get(relation.oid) ?? [], resolver);
        const relationRelationships = relationships.get(relationKey(schema, relation.name)) ?? [];
        if (relation.relkind === 'v' || relation.relkind === 'm') {
          views.push({
            name: relation.name,
            materialized: relation.relkind === 'm',
            insertable: relation.insert_enabled,
            updatable: relation.update_enabled,
            columns: relationColumns,
            relationships: relationRelationships,
          });
        } else {
          tables.push({
            name: relation.name,
            ...(relation.relkind === 'f' ? { foreign: true } : {}),
            columns: relationColumns,
            relationships: relationRelationships,
          });
        }
      }
      return {
        schema,
        tables: tables.sort(byName),
        views: views.sort(byName),
        functions: toFunctions(functionsBySchema.get(schema) ?? [], resolver),
        enums: toEnums(types, schema),
        compositeTypes: toCompositeTypes(types, schema, resolver),
      };
    }),
  };
}

/** One schema of `introspectDatabase` (an empty one when it does not exist). */
export async function introspectSchema(reader: CatalogReader, schema = 'public'): Promise<SchemaModel> {
  const model = await introspectDatabase(reader, [schema]);
  return model.schemas[0] ?? { schema, tables: [], views: [], functions: [], enums: [], compositeTypes: [] };
}

function toExposedRelation(row: RelationRow): ExposedRelation {
  const kind = row.relkind === 'v' ? 'view' : row.relkind === 'm' ? 'materialized view' : row.relkind === 'f' ? 'foreign table' : 'table';
  return { schema: row.schema, name: row.name, kind };
}

function toColumns(rows: readonly ColumnRow[], checks: readonly CheckRow[], resolver: TypeResolver): ColumnModel[] {
  return rows
    .map((row): ColumnModel => {
      const type = resolver.byName(row.type_name, row.type_schema);
      return {
        name: row.name,
        type,
        nullable: row.nullable,
        defaultExpression: row.default_expression,
        identity: row.identity === 'a' ? 'always' : row.identity === 'd' ? 'by default' : null,
        generated: row.generated,
        updatable: row.updatable,
        allowedValues: isPlainText(type) ? checkedValues(row.name, checks) : null,
      };
    })
    .sort(byName);
}

function isPlainText(type: TypeRef): boolean {
  return type.kind === 'base' && (type.name === 'text' || type.name === 'varchar');
}

/** Values allowed by the validated single-column CHECK IN-lists on a column, or null. */
function checkedValues(column: string, checks: readonly CheckRow[]): string[] | null {
  const lists: string[][] = [];
  for (const check of checks) {
    if (check.column_name !== column) continue;
    const values = allowedValuesFromCheck(check.definition, column);
    if (values) lists.push(values);
  }
  return lists.length > 0 ? intersectAllowedValues(lists) : null;
}

/** For each view, the table columns each of its columns shows, followed through views of views. */
function toViewExposures(
  relations: readonly RelationRow[],
  attributes: readonly ViewAttributeRow[],
  viewQueries: readonly ViewQueryRow[],
): ViewExposure[] {
  const attributeNames = new Map(attributes.map((a) => [columnKey(a.relation_oid, a.position), a.name]));
  const sourcesByView = new Map(viewQueries.map((row) => [row.view_oid, viewColumnSources(row.query_tree)]));

  // Every (relation, attnum) a view column shows: the direct source and, through views, theirs.
  const origins = (viewOid: string, position: number, seen: ReadonlySet<string>): string[] => {
    const source = sourcesByView.get(viewOid)?.find((s) => s.position === position);
    if (!source) return [];
    const direct = columnKey(source.relationOid, source.attnum);
    if (!sourcesByView.has(source.relationOid) || seen.has(source.relationOid)) return [direct];
    return [direct, ...origins(source.relationOid, source.attnum, new Set([...seen, source.relationOid]))];
  };

  return relations
    .filter((relation) => sourcesByView.has(relation.oid))
    .map((relation) => {
      const columnsShowing = new Map<string, string[]>();
      const positions = [...new Set((sourcesByView.get(relation.oid) ?? []).map((s) => s.position))].sort((a, b) => a - b);
      for (const position of positions) {
        const name = attributeNames.get(columnKey(relation.oid, position));
        if (name === undefined) continue;
        for (const origin of origins(relation.oid, position, new Set([relation.oid]))) {
          columnsShowing.set(origin, [...(columnsShowing.get(origin) ?? []), name]);
        }
      }
      return { oid: relation.oid, schema: relation.schema, name: relation.name, columnsShowing };
    });
}

const ARGUMENT_MODES: Readonly<Record<string, ArgumentMode>> = {
  i: 'in',
  o: 'out',
  b: 'inout',
  v: 'variadic',
  t: 'table',
};

export const INPUT_MODES: ReadonlySet<ArgumentMode> = new Set(['in', 'inout', 'variadic']);

/** json, jsonb and text: the types PostgREST accepts an unnamed argument of (the request body). */
const BODY_TYPE_OIDS = new Set([114, 3802, 25]);

function toFunctions(rows: readonly FunctionRow[], resolver: TypeResolver): FunctionModel[] {
  const functions: FunctionModel[] = [];
  for (const row of rows) {
    const returnType = resolver.row(row.return_type_oid);
    // Trigger functions cannot be called over the API.
    if (returnType?.schema === 'pg_catalog' && (returnType.name === 'trigger' || returnType.name === 'event_trigger')) {
      continue;
    }
    const args = row.args.map((arg): FunctionArgumentModel => ({
      name: arg.name,
      mode: ARGUMENT_MODES[arg.mode] ?? 'table',
      type: resolver.byOid(arg.type_oid),
      typeName: resolver.row(arg.type_oid)?.name ?? 'unknown',
      typeOid: Number(arg.type_oid),
      rowType: resolver.rowType(arg.type_oid),
      hasDefault: arg.has_default,
    }));
    if (!isCallable(args.filter((arg) => INPUT_MODES.has(arg.mode)))) continue;

    functions.push({
      name: row.name,
      signature: row.signature,
      argumentTypes: row.argument_types,
      resultType: row.result_type,
      args,
      returns: resolver.byOid(row.return_type_oid),
      returnTypeName: returnType?.name ?? 'unknown',
      returnRowType: resolver.rowType(row.return_type_oid),
      returnsSet: row.returns_set,
      rowsEstimate: row.rows_estimate,
    });
  }
  return functions.sort((a, b) => compareNames(a.name, b.name) || compareNames(a.signature, b.signature));
}

/**
 * Whether the API can call the function: with named arguments only, with unnamed arguments
 * that all have defaults and are json, jsonb or text, or with one unnamed argument that is the
 * request body (json, jsonb, text) or a row (a computed field or relationship).
 */
function isCallable(inputs: readonly FunctionArgumentModel[]): boolean {
  const unnamed = inputs.filter((arg) => arg.name === '');
  if (unnamed.length === 0) return true;
  if (unnamed.every((arg) => arg.hasDefault && BODY_TYPE_OIDS.has(arg.typeOid))) return true;
  const [only] = inputs;
  return inputs.length === 1 && only !== undefined && (BODY_TYPE_OIDS.has(only.typeOid) || only.rowType !== null);
}

function toEnums(types: readonly TypeRow[], schema: string): EnumModel[] {
  return types
    .filter((type) => type.schema === schema && type.enum_values.length > 0)
    .map((type) => ({ name: type.name, values: type.enum_values }))
    .sort(byName);
}

function toCompositeTypes(types: readonly TypeRow[], schema: string, resolver: TypeResolver): CompositeTypeModel[] {
  return types
    .filter((type) => type.schema === schema && (type.attributes?.length ?? 0) > 0)
    .map((type) => ({
      name: type.name,
      attributes: (type.attributes ?? []).map((attribute) => ({
        name: attribute.name,
        type: resolver.byOid(attribute.type_oid),
      })),
    }))
    .sort(byName);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
