/**
 * Plain data model of one database schema, as read from the catalog by `introspectSchema`.
 * Everything is sorted deterministically so that rendering it is byte-stable.
 */

/** A column, argument or attribute type, with domains already resolved to their base type. */
export type TypeRef =
  | { readonly kind: 'array'; readonly element: TypeRef }
  /** A built-in or extension base type, by name (`text`, `int4`, `citext`, `vector`…). */
  | { readonly kind: 'base'; readonly name: string }
  | { readonly kind: 'range'; readonly name: string }
  | {
      readonly kind: 'enum';
      readonly schema: string;
      readonly name: string;
      readonly values: readonly string[];
    }
  /** A standalone composite type (`create type … as (…)`). */
  | { readonly kind: 'composite'; readonly schema: string; readonly name: string }
  /** The row type of a table or view. */
  | {
      readonly kind: 'row';
      readonly schema: string;
      readonly relation: string;
      readonly relationKind: 'table' | 'view';
    }
  /** Pseudo-types and anything else without a JSON representation we know (`record`, `void`…). */
  | { readonly kind: 'pseudo'; readonly name: string };

export interface ColumnModel {
  readonly name: string;
  readonly type: TypeRef;
  readonly nullable: boolean;
  /** Default expression as PostgreSQL prints it, or null. */
  readonly defaultExpression: string | null;
  readonly identity: 'always' | 'by default' | null;
  /** `generated always as (…) stored`: the database computes it, writes are rejected. */
  readonly generated: boolean;
  /** For views: whether the column can be written through the view. Always true for tables. */
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
  /** The foreign key columns are exactly a primary key or unique key of the referencing table. */
  readonly isOneToOne: boolean;
  readonly referencedSchema: string;
  readonly referencedRelation: string;
  readonly referencedColumns: readonly string[];
}

export interface TableModel {
  readonly name: string;
  /** Sorted by name, like `supabase gen types`. */
  readonly columns: readonly ColumnModel[];
  /**
   * Sorted by foreign key name, then referenced relation. A key also appears once per view of
   * the schema that shows all the referenced columns, with that view as referenced relation.
   */
  readonly relationships: readonly RelationshipModel[];
}

export interface ViewModel {
  readonly name: string;
  readonly materialized: boolean;
  /** Plain views that accept UPDATE and DELETE (PostgreSQL's auto-updatable views). */
  readonly updatable: boolean;
  readonly columns: readonly ColumnModel[];
  /** Foreign keys of the tables it shows, where it shows all their columns (see TableModel). */
  readonly relationships: readonly RelationshipModel[];
}

export type ArgumentMode = 'in' | 'out' | 'inout' | 'variadic' | 'table';

export interface FunctionArgumentModel {
  /** Empty string for an unnamed argument. */
  readonly name: string;
  readonly mode: ArgumentMode;
  readonly type: TypeRef;
  readonly hasDefault: boolean;
}

export interface FunctionModel {
  readonly name: string;
  /** Identity arguments as PostgreSQL prints them; distinguishes overloads and orders them. */
  readonly signature: string;
  readonly args: readonly FunctionArgumentModel[];
  readonly returns: TypeRef;
  readonly returnsSet: boolean;
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
  readonly tables: readonly TableModel[];
  readonly views: readonly ViewModel[];
  /** Functions callable over the API: trigger functions and procedures are left out. */
  readonly functions: readonly FunctionModel[];
  readonly enums: readonly EnumModel[];
  readonly compositeTypes: readonly CompositeTypeModel[];
}
