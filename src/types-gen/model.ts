/**
 * Plain data model of the exposed schemas of a database, as read from the catalog by
 * `introspectDatabase`. Collections are sorted the way `supabase gen types` orders its output,
 * so that rendering the model is byte-stable.
 *
 * Types are resolved the way the API's type generator resolves them: by type name, preferring
 * the type's own schema (so a name shared by several schemas resolves like it does there).
 */

/** A column, argument or attribute type. */
export type TypeRef =
  | { readonly kind: 'array'; readonly element: TypeRef }
  /**
   * Any other type, by name: the built-ins with a JSON form (`text`, `int4`, `jsonb`, `void`,
   * `record`…) and everything rendered `unknown` (domains, ranges, geometric types…).
   */
  | { readonly kind: 'base'; readonly name: string }
  | {
      readonly kind: 'enum';
      readonly schema: string;
      readonly name: string;
      readonly values: readonly string[];
    }
  /** A standalone composite type (`create type … as (…)`). */
  | { readonly kind: 'composite'; readonly schema: string; readonly name: string }
  /** The row type of a table or view of an exposed schema. */
  | {
      readonly kind: 'row';
      readonly schema: string;
      readonly relation: string;
      readonly relationKind: 'table' | 'view';
    };

export interface ColumnModel {
  readonly name: string;
  readonly type: TypeRef;
  /** Nullable column, and not of a NOT NULL domain. */
  readonly nullable: boolean;
  /** Default expression as PostgreSQL prints it, or null (generated columns have none). */
  readonly defaultExpression: string | null;
  readonly identity: 'always' | 'by default' | null;
  /** `generated always as (…) stored`: the database computes it, writes are rejected. */
  readonly generated: boolean;
  /** Whether the column can be written (through the view, for views). True for tables. */
  readonly updatable: boolean;
  /**
   * Values allowed by a validated `CHECK (col IN (…))` on this text column, in declared order,
   * or null when no such constraint exists.
   */
  readonly allowedValues: readonly string[] | null;
}

export interface RelationshipModel {
  readonly foreignKeyName: string;
  readonly columns: readonly string[];
  /** The key columns are exactly a primary key or unique constraint of the referencing table. */
  readonly isOneToOne: boolean;
  readonly referencedSchema: string;
  readonly referencedRelation: string;
  readonly referencedColumns: readonly string[];
}

export interface TableModel {
  readonly name: string;
  /** A foreign table: typed like a table. */
  readonly foreign?: boolean;
  /** Sorted by name, like `supabase gen types`. */
  readonly columns: readonly ColumnModel[];
  /**
   * Each foreign key as declared, and again wherever a view shows all of its columns (on
   * either side), like PostgREST; sorted by key name, referenced relation and columns.
   */
  readonly relationships: readonly RelationshipModel[];
}

export interface ViewModel {
  readonly name: string;
  readonly materialized: boolean;
  /** Plain views that accept INSERT / UPDATE (auto-updatable, or through INSTEAD OF triggers or rules). */
  readonly insertable: boolean;
  readonly updatable: boolean;
  readonly columns: readonly ColumnModel[];
  readonly relationships: readonly RelationshipModel[];
}

export type ArgumentMode = 'in' | 'out' | 'inout' | 'variadic' | 'table';

/** A table, view or composite type whose row type a value has. */
export interface RowTypeModel {
  readonly schema: string;
  readonly name: string;
  /** As `format_type` prints it: quoted and schema-qualified when needed (`"My Table"`, `api.things`). */
  readonly qualifiedName: string;
  readonly kind: 'table' | 'view' | 'composite';
}

export interface FunctionArgumentModel {
  /** Empty string for an unnamed argument. */
  readonly name: string;
  readonly mode: ArgumentMode;
  readonly type: TypeRef;
  /** The argument type's own name (`int4`, `users`), for error messages. */
  readonly typeName: string;
  readonly typeOid: number;
  /** Set when the argument is a row of a table, view or composite type. */
  readonly rowType: RowTypeModel | null;
  readonly hasDefault: boolean;
}

export interface FunctionModel {
  readonly name: string;
  /** Identity arguments as PostgreSQL prints them; distinguishes overloads. */
  readonly signature: string;
  /** `pg_get_function_arguments` and `pg_get_function_result`: they order overloads. */
  readonly argumentTypes: string;
  readonly resultType: string;
  /** In declared order, OUT and TABLE arguments included. */
  readonly args: readonly FunctionArgumentModel[];
  readonly returns: TypeRef;
  readonly returnTypeName: string;
  /** Set when the function returns rows of a table, view or composite type. */
  readonly returnRowType: RowTypeModel | null;
  readonly returnsSet: boolean;
  /** `ROWS` of a set-returning function (null when not set-returning). */
  readonly rowsEstimate: number | null;
}

export interface EnumModel {
  readonly name: string;
  /** In declared order (`enumsortorder`). */
  readonly values: readonly string[];
}

export interface CompositeTypeModel {
  readonly name: string;
  /** In declared order. */
  readonly attributes: readonly { readonly name: string; readonly type: TypeRef }[];
}

export interface SchemaModel {
  readonly schema: string;
  /** Tables and foreign tables, by name. */
  readonly tables: readonly TableModel[];
  /** Views and materialized views, by name. */
  readonly views: readonly ViewModel[];
  /** Functions callable over the API (trigger functions and procedures left out), by name. */
  readonly functions: readonly FunctionModel[];
  /** Enums with at least one value. */
  readonly enums: readonly EnumModel[];
  /** Composite types with at least one attribute. */
  readonly compositeTypes: readonly CompositeTypeModel[];
}

/** The exposed schemas that exist, by name. */
export interface DatabaseModel {
  readonly schemas: readonly SchemaModel[];
}
