import {
  COLUMNS_SQL,
  COMPOSITE_ATTRIBUTES_SQL,
  CONSTRAINTS_SQL,
  FUNCTIONS_SQL,
  RELATIONS_SQL,
  TYPES_SQL,
  UNIQUE_KEYS_SQL,
  VIEW_QUERIES_SQL,
  type ColumnRow,
  type CompositeAttributeRow,
  type ConstraintRow,
  type FunctionRow,
  type RelationRow,
  type TypeRow,
  type UniqueKeyRow,
  type ViewQueryRow,
} from './catalog-queries.js';
import { allowedValuesFromCheck, intersectAllowedValues } from './check-values.js';
import type {
  ArgumentMode,
  ColumnModel,
  CompositeTypeModel,
  EnumModel,
  FunctionArgumentModel,
  FunctionModel,
  SchemaModel,
  TableModel,
  TypeRef,
  ViewModel,
} from './model.js';
import { byName, compareNames } from './order.js';
import { buildRelationships, columnKey, type ForeignKey, type ViewExposure } from './relationships.js';
import { createTypeResolver } from './type-resolver.js';
import { viewColumnSources } from './view-sources.js';

/**
 * What introspection needs from a database: one parameterised query at a time, returning rows.
 * The project's `SqlEngine` (embedded or PostgreSQL) satisfies it.
 */
export interface CatalogReader {
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/** Reads one schema's tables, views, functions, enums and composite types from the catalog. */
export async function introspectSchema(reader: CatalogReader, schema = 'public'): Promise<SchemaModel> {
  // Sequential on purpose: one connection, and the embedded engine runs one query at a time.
  const types = await reader.query<TypeRow>(TYPES_SQL, []);
  const relations = await reader.query<RelationRow>(RELATIONS_SQL, [schema]);
  const columns = await reader.query<ColumnRow>(COLUMNS_SQL, [schema]);
  const constraints = await reader.query<ConstraintRow>(CONSTRAINTS_SQL, [schema]);
  const uniqueKeys = await reader.query<UniqueKeyRow>(UNIQUE_KEYS_SQL, [schema]);
  const functions = await reader.query<FunctionRow>(FUNCTIONS_SQL, [schema]);
  const attributes = await reader.query<CompositeAttributeRow>(COMPOSITE_ATTRIBUTES_SQL, [schema]);
  const viewQueries = await reader.query<ViewQueryRow>(VIEW_QUERIES_SQL, [schema]);

  const resolveType = createTypeResolver(types);
  const columnsByRelation = groupBy(columns, (column) => column.relation_oid);
  const constraintsByRelation = groupBy(constraints, (constraint) => constraint.relation_oid);
  const uniqueKeysByRelation = groupBy(uniqueKeys, (key) => key.relation_oid);
  const relationships = buildRelationships(
    toForeignKeys(constraints, uniqueKeysByRelation),
    toViewExposures(relations, columns, viewQueries),
    schema,
  );

  const tables: TableModel[] = [];
  const views: ViewModel[] = [];
  for (const relation of relations) {
    const relationColumns = columnsByRelation.get(relation.oid) ?? [];
    const relationConstraints = constraintsByRelation.get(relation.oid) ?? [];
    if (relation.relkind === 'v' || relation.relkind === 'm') {
      views.push({
        name: relation.name,
        materialized: relation.relkind === 'm',
        updatable: relation.updatable,
        columns: toColumns(relationColumns, [], resolveType),
        relationships: relationships.get(relation.oid) ?? [],
      });
    } else {
      tables.push({
        name: relation.name,
        columns: toColumns(relationColumns, relationConstraints, resolveType),
        relationships: relationships.get(relation.oid) ?? [],
      });
    }
  }

  return {
    schema,
    tables: tables.sort(byName),
    views: views.sort(byName),
    functions: toFunctions(functions, resolveType),
    enums: toEnums(types, schema),
    compositeTypes: toCompositeTypes(attributes, resolveType),
  };
}

function toColumns(
  rows: readonly ColumnRow[],
  constraints: readonly ConstraintRow[],
  resolveType: (oid: string) => TypeRef,
): ColumnModel[] {
  return rows
    .map((row): ColumnModel => {
      const type = resolveType(row.type_oid);
      return {
        name: row.name,
        type,
        nullable: row.nullable,
        defaultExpression: row.default_expression,
        identity: row.identity === 'a' ? 'always' : row.identity === 'd' ? 'by default' : null,
        generated: row.generated,
        updatable: row.updatable,
        allowedValues: isPlainText(type) ? checkedValues(row.name, constraints) : null,
      };
    })
    .sort(byName);
}

function isPlainText(type: TypeRef): boolean {
  return type.kind === 'base' && (type.name === 'text' || type.name === 'varchar');
}

/** Values allowed by the validated single-column CHECK IN-lists on a column, or null. */
function checkedValues(column: string, constraints: readonly ConstraintRow[]): string[] | null {
  const lists: string[][] = [];
  for (const constraint of constraints) {
    if (constraint.kind !== 'c' || !constraint.validated || !constraint.definition) continue;
    if (constraint.columns?.length !== 1 || constraint.columns[0] !== column) continue;
    const values = allowedValuesFromCheck(constraint.definition, column);
    if (values) lists.push(values);
  }
  return lists.length > 0 ? intersectAllowedValues(lists) : null;
}

function toForeignKeys(
  constraints: readonly ConstraintRow[],
  uniqueKeysByRelation: ReadonlyMap<string, readonly UniqueKeyRow[]>,
): ForeignKey[] {
  return constraints
    .filter((constraint) => constraint.kind === 'f')
    .map((constraint): ForeignKey => {
      const columns = constraint.columns ?? [];
      const sortedKey = [...columns].sort().join('\u0000');
      const uniqueKeys = uniqueKeysByRelation.get(constraint.relation_oid) ?? [];
      return {
        name: constraint.name,
        relationOid: constraint.relation_oid,
        columns,
        referencedOid: constraint.referenced_oid,
        referencedSchema: constraint.referenced_schema ?? '',
        referencedRelation: constraint.referenced_relation ?? '',
        referencedColumns: constraint.referenced_columns ?? [],
        // The key columns are exactly a primary or unique key of the referencing table.
        isOneToOne: uniqueKeys.some((key) => [...(key.columns ?? [])].sort().join('\u0000') === sortedKey),
      };
    });
}

/** For each view, the table columns it shows unchanged, followed through views of views. */
function toViewExposures(
  relations: readonly RelationRow[],
  columns: readonly ColumnRow[],
  viewQueries: readonly ViewQueryRow[],
): ViewExposure[] {
  const columnNames = new Map(columns.map((column) => [`${column.relation_oid}:${column.position}`, column.name]));
  const sourcesByView = new Map(viewQueries.map((row) => [row.view_oid, viewColumnSources(row.query_tree)]));
  const resolved = new Map<string, Map<string, string>>();

  // View column name -> `columnKey` of the base table column it shows.
  const baseColumns = (viewOid: string, depth: number): Map<string, string> => {
    const cached = resolved.get(viewOid);
    if (cached) return cached;
    const map = new Map<string, string>();
    for (const source of sourcesByView.get(viewOid) ?? []) {
      const sourceName = columnNames.get(`${source.relationOid}:${source.attnum}`);
      if (sourceName === undefined) continue;
      if (sourcesByView.has(source.relationOid)) {
        if (depth > 16) continue;
        const base = baseColumns(source.relationOid, depth + 1).get(sourceName);
        if (base !== undefined) map.set(source.column, base);
      } else {
        map.set(source.column, columnKey(source.relationOid, sourceName));
      }
    }
    resolved.set(viewOid, map);
    return map;
  };

  return relations
    .filter((relation) => sourcesByView.has(relation.oid))
    .map((relation) => {
      const columnFor = new Map<string, string>();
      for (const [viewColumn, base] of baseColumns(relation.oid, 0)) {
        if (!columnFor.has(base)) columnFor.set(base, viewColumn);
      }
      return { oid: relation.oid, name: relation.name, columnFor };
    });
}

const ARGUMENT_MODES: Readonly<Record<string, ArgumentMode>> = {
  i: 'in',
  o: 'out',
  b: 'inout',
  v: 'variadic',
  t: 'table',
};

const INPUT_MODES: readonly ArgumentMode[] = ['in', 'inout', 'variadic'];

function toFunctions(rows: readonly FunctionRow[], resolveType: (oid: string) => TypeRef): FunctionModel[] {
  const functions: FunctionModel[] = [];
  for (const row of rows) {
    const returns = resolveType(row.return_type_oid);
    // Trigger functions cannot be called over the API.
    if (returns.kind === 'pseudo' && (returns.name === 'trigger' || returns.name === 'event_trigger')) continue;

    const args = toArguments(row, resolveType);
    const inputs = args.filter((arg) => INPUT_MODES.includes(arg.mode));
    // The API calls functions with named arguments, or with one unnamed argument as the body.
    if (inputs.some((arg) => arg.name === '') && inputs.length > 1) continue;

    functions.push({ name: row.name, signature: row.signature, args, returns, returnsSet: row.returns_set });
  }
  return functions.sort((a, b) => compareNames(a.name, b.name) || compareNames(a.signature, b.signature));
}

function toArguments(row: FunctionRow, resolveType: (oid: string) => TypeRef): FunctionArgumentModel[] {
  const modes = row.arg_type_oids.map((_, index) => ARGUMENT_MODES[row.arg_modes?.[index] ?? 'i'] ?? 'in');
  const inputCount = modes.filter((mode) => INPUT_MODES.includes(mode)).length;
  // Defaults belong to the last `pronargdefaults` input arguments.
  const firstDefaulted = inputCount - row.default_count;
  let inputIndex = 0;
  return row.arg_type_oids.map((oid, index) => {
    const mode = modes[index] ?? 'in';
    const isInput = INPUT_MODES.includes(mode);
    const hasDefault = isInput && inputIndex >= firstDefaulted;
    if (isInput) inputIndex++;
    return { name: row.arg_names?.[index] ?? '', mode, type: resolveType(oid), hasDefault };
  });
}

function toEnums(types: readonly TypeRow[], schema: string): EnumModel[] {
  return types
    .filter((type) => type.schema === schema && type.typtype === 'e')
    .map((type) => ({ name: type.name, values: type.enum_values ?? [] }))
    .sort(byName);
}

function toCompositeTypes(
  rows: readonly CompositeAttributeRow[],
  resolveType: (oid: string) => TypeRef,
): CompositeTypeModel[] {
  return [...groupBy(rows, (row) => row.type_name)]
    .map(([name, attributes]) => ({
      name,
      attributes: [...attributes]
        .sort((a, b) => a.position - b.position)
        .map((attribute) => ({ name: attribute.name, type: resolveType(attribute.type_oid) })),
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
