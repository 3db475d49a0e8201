/**
 * Catalog queries behind `introspectSchema`. They run unchanged on PostgreSQL 15+ and on the
 * embedded engine. OIDs travel as text and arrays as JSON so that every driver returns the same
 * JavaScript values. `$1` is the schema name.
 */

/** Every type in the database: small enough (~600 rows) to load whole and resolve in memory. */
export const TYPES_SQL = `
select t.oid::text as oid,
       t.typname as name,
       n.nspname as schema,
       t.typtype::text as typtype,
       t.typcategory::text as category,
       t.typelem::text as element_oid,
       t.typbasetype::text as base_oid,
       c.relkind::text as relkind,
       case when t.typtype = 'e' then
         (select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid)
       end as enum_values
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
left join pg_class c on c.oid = t.typrelid`;

export interface TypeRow {
  oid: string;
  name: string;
  schema: string;
  typtype: string;
  category: string;
  element_oid: string;
  base_oid: string;
  relkind: string | null;
  enum_values: string[] | null;
}

/** Tables (r), partitioned tables (p), foreign tables (f), views (v), materialized views (m). */
export const RELATIONS_SQL = `
select c.oid::text as oid,
       c.relname as name,
       c.relkind::text as relkind,
       case when c.relkind = 'v'
         then (pg_relation_is_updatable(c.oid, false) & 20) = 20
         else false
       end as updatable
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relkind in ('r', 'p', 'f', 'v', 'm')`;

export interface RelationRow {
  oid: string;
  name: string;
  relkind: string;
  updatable: boolean;
}

export const COLUMNS_SQL = `
select a.attrelid::text as relation_oid,
       a.attname as name,
       a.attnum as position,
       a.atttypid::text as type_oid,
       not a.attnotnull as nullable,
       case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end as default_expression,
       a.attidentity::text as identity,
       a.attgenerated <> '' as generated,
       case when c.relkind = 'v'
         then pg_column_is_updatable(c.oid, a.attnum, false)
         else true
       end as updatable
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where n.nspname = $1
  and c.relkind in ('r', 'p', 'f', 'v', 'm')
  and a.attnum > 0
  and not a.attisdropped`;

export interface ColumnRow {
  relation_oid: string;
  name: string;
  position: number;
  type_oid: string;
  nullable: boolean;
  default_expression: string | null;
  identity: string;
  generated: boolean;
  updatable: boolean;
}

/** Foreign keys and CHECK constraints of the schema's tables, with column names in key order. */
export const CONSTRAINTS_SQL = `
select con.conname as name,
       con.contype::text as kind,
       con.conrelid::text as relation_oid,
       con.convalidated as validated,
       (select json_agg(a.attname order by k.ord)
          from unnest(con.conkey) with ordinality as k(attnum, ord)
          join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as columns,
       con.confrelid::text as referenced_oid,
       fn.nspname as referenced_schema,
       fc.relname as referenced_relation,
       (select json_agg(a.attname order by k.ord)
          from unnest(con.confkey) with ordinality as k(attnum, ord)
          join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum) as referenced_columns,
       case when con.contype = 'c' then pg_get_constraintdef(con.oid) end as definition
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
left join pg_class fc on fc.oid = con.confrelid
left join pg_namespace fn on fn.oid = fc.relnamespace
where n.nspname = $1 and con.contype in ('f', 'c')`;

export interface ConstraintRow {
  name: string;
  kind: 'f' | 'c';
  relation_oid: string;
  validated: boolean;
  columns: string[] | null;
  referenced_oid: string;
  referenced_schema: string | null;
  referenced_relation: string | null;
  referenced_columns: string[] | null;
  definition: string | null;
}

/** Column sets of full (non-partial, non-expression) unique indexes, primary keys included. */
export const UNIQUE_KEYS_SQL = `
select i.indrelid::text as relation_oid,
       (select json_agg(a.attname order by a.attname)
          from unnest(i.indkey::int2[]) as k(attnum)
          join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum) as columns
from pg_index i
join pg_class c on c.oid = i.indrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1
  and i.indisunique
  and i.indpred is null
  and i.indexprs is null`;

export interface UniqueKeyRow {
  relation_oid: string;
  columns: string[] | null;
}

/** Plain functions (no procedures, aggregates or window functions) of the schema. */
export const FUNCTIONS_SQL = `
select p.oid::text as oid,
       p.proname as name,
       pg_get_function_identity_arguments(p.oid) as signature,
       p.prorettype::text as return_type_oid,
       p.proretset as returns_set,
       p.pronargdefaults as default_count,
       to_json(coalesce(p.proallargtypes::text[], p.proargtypes::oid[]::text[])) as arg_type_oids,
       to_json(p.proargmodes::text[]) as arg_modes,
       to_json(p.proargnames) as arg_names
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
where n.nspname = $1 and p.prokind = 'f'`;

export interface FunctionRow {
  oid: string;
  name: string;
  signature: string;
  return_type_oid: string;
  returns_set: boolean;
  default_count: number;
  arg_type_oids: string[];
  arg_modes: string[] | null;
  arg_names: string[] | null;
}

/** Attributes of the schema's standalone composite types, in declared order. */
export const COMPOSITE_ATTRIBUTES_SQL = `
select t.typname as type_name,
       a.attname as name,
       a.attnum as position,
       a.atttypid::text as type_oid
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
join pg_class c on c.oid = t.typrelid and c.relkind = 'c'
join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
where n.nspname = $1 and t.typtype = 'c'`;

export interface CompositeAttributeRow {
  type_name: string;
  name: string;
  position: number;
  type_oid: string;
}

/** The stored query trees of the schema's views and materialized views. */
export const VIEW_QUERIES_SQL = `
select c.oid::text as view_oid,
       r.ev_action::text as query_tree
from pg_rewrite r
join pg_class c on c.oid = r.ev_class
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relkind in ('v', 'm') and r.rulename = '_RETURN'`;

export interface ViewQueryRow {
  view_oid: string;
  query_tree: string;
}
