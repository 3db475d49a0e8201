/**
 * Catalog queries behind `introspectDatabase`. They run unchanged on PostgreSQL 15+ and on the
 * embedded engine. OIDs travel as text and arrays as JSON so that every driver returns the same
 * JavaScript values. `$1` is the list of schemas to read (a `text[]`).
 *
 * What they read, and the visibility rules (privileges, which relation kinds), follow what
 * `supabase gen types` reads, so that both see the same objects on the same database.
 */

/**
 * Every type of the database that is not the row type of an index, sequence or TOAST table,
 * with its enum labels and, for standalone composite types, its attributes.
 */
export const TYPES_SQL = `
select t.oid::text as oid,
       t.typname as name,
       n.nspname as schema,
       format_type(t.oid, null) as qualified_name,
       c.relkind::text as relkind,
       -- Only enums have labels: the lookup is skipped for the thousands of other types.
       case when t.typtype = 'e' then
         coalesce((select json_agg(e.enumlabel order by e.enumsortorder)
                     from pg_enum e where e.enumtypid = t.oid), '[]')
       else '[]' end as enum_values,
       case when c.relkind = 'c' then
         coalesce((select json_agg(json_build_object('name', a.attname, 'type_oid', a.atttypid::text) order by a.attnum)
                     from pg_attribute a where a.attrelid = c.oid and not a.attisdropped), '[]')
       end as attributes
from pg_type t
left join pg_namespace n on n.oid = t.typnamespace
left join pg_class c on c.oid = t.typrelid
where t.typrelid = 0 or c.relkind in ('c', 'r', 'v', 'm', 'p', 'f')`;

export interface TypeRow {
  oid: string;
  name: string;
  schema: string;
  /** `format_type`: the name as the session would write it, quoted and qualified when needed. */
  qualified_name: string;
  /** Kind of the relation behind a row or composite type, else null. */
  relkind: string | null;
  enum_values: string[];
  attributes: { name: string; type_oid: string }[] | null;
}

/** The requested schemas that exist and that the current role may see into. */
export const SCHEMAS_SQL = `
select n.nspname as name
from pg_namespace n
where n.nspname = any($1::text[])
  and n.nspname not in ('information_schema', 'pg_catalog', 'pg_toast')
  and not starts_with(n.nspname, 'pg_')
  and (pg_has_role(n.nspowner, 'USAGE') or has_schema_privilege(n.oid, 'CREATE, USAGE'))`;

export interface SchemaRow {
  name: string;
}

/**
 * Tables (r, p) the role may use, and every foreign table (f), view (v) and materialized view
 * (m). Views say whether they accept INSERT and UPDATE, counting INSTEAD OF triggers and rules.
 */
export const RELATIONS_SQL = `
select c.oid::text as oid,
       n.nspname as schema,
       c.relname as name,
       c.relkind::text as relkind,
       c.relkind = 'v' and (pg_relation_is_updatable(c.oid, true) & 8) = 8 as insert_enabled,
       c.relkind = 'v' and (pg_relation_is_updatable(c.oid, true) & 4) = 4 as update_enabled
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1::text[])
  and c.relkind in ('r', 'p', 'f', 'v', 'm')
  and (
    c.relkind not in ('r', 'p')
    or (
      not pg_is_other_temp_schema(n.oid)
      and (
        pg_has_role(c.relowner, 'USAGE')
        or has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
        or has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')
      )
    )
  )`;

export interface RelationRow {
  oid: string;
  schema: string;
  name: string;
  relkind: string;
  insert_enabled: boolean;
  update_enabled: boolean;
}

/**
 * Columns the role may use. The type is the column's own, or for a domain the type it is
 * declared over (one level, as the API describes it); a NOT NULL domain makes the column
 * non-nullable. View and foreign-table columns are writable when PostgreSQL can update them or
 * an INSTEAD OF trigger or unconditional INSTEAD rule takes the writes.
 */
export const COLUMNS_SQL = `
select a.attrelid::text as relation_oid,
       a.attname as name,
       a.attnum as position,
       coalesce(bt.typname, t.typname) as type_name,
       coalesce(bn.nspname, tn.nspname) as type_schema,
       coalesce(bt.typtype, t.typtype)::text as typtype,
       not (a.attnotnull or (t.typtype = 'd' and t.typnotnull)) as nullable,
       case when a.atthasdef and a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end as default_expression,
       a.attidentity::text as identity,
       a.attgenerated <> '' as generated,
       (
         c.relkind in ('r', 'p')
         or c.relkind in ('v', 'f') and (
           pg_column_is_updatable(c.oid, a.attnum, false)
           or exists (select from pg_trigger tg
                      where tg.tgrelid = c.oid and tg.tgtype & 64 <> 0 and tg.tgtype & 20 <> 0
                        and not tg.tgisinternal)
           or exists (select from pg_rewrite rw
                      where rw.ev_class = c.oid and rw.is_instead and rw.ev_type in ('2', '3')
                        and rw.ev_qual::text = '<>')
         )
       ) as updatable
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
join pg_namespace tn on tn.oid = t.typnamespace
left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
left join pg_namespace bn on bn.oid = bt.typnamespace
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where n.nspname = any($1::text[])
  and not pg_is_other_temp_schema(n.oid)
  and c.relkind in ('r', 'p', 'f', 'v', 'm')
  and a.attnum > 0
  and not a.attisdropped
  and (pg_has_role(c.relowner, 'USAGE') or has_column_privilege(c.oid, a.attnum, 'SELECT, INSERT, UPDATE, REFERENCES'))`;

export interface ColumnRow {
  relation_oid: string;
  name: string;
  position: number;
  type_name: string;
  type_schema: string;
  typtype: string;
  nullable: boolean;
  default_expression: string | null;
  identity: string;
  generated: boolean;
  updatable: boolean;
}

/** Validated single-column CHECK constraints of the schemas' tables (for literal unions). */
export const CHECKS_SQL = `
select con.conrelid::text as relation_oid,
       a.attname as column_name,
       pg_get_constraintdef(con.oid) as definition
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = con.conrelid and a.attnum = con.conkey[1]
where n.nspname = any($1::text[])
  and con.contype = 'c'
  and con.convalidated
  and cardinality(con.conkey) = 1`;

export interface CheckRow {
  relation_oid: string;
  column_name: string;
  definition: string;
}

/**
 * Foreign keys declared in the schemas (not the copies partitions inherit), with columns in key
 * order. One-to-one when the key columns, in key order, are exactly the columns (in table
 * order) of a primary key or unique constraint of the referencing table.
 */
export const FOREIGN_KEYS_SQL = `
select con.conname as name,
       n.nspname as schema,
       c.relname as relation,
       con.conrelid::text as relation_oid,
       rn.nspname as referenced_schema,
       rc.relname as referenced_relation,
       con.confrelid::text as referenced_oid,
       (select json_agg(a.attname order by k.ord)
          from unnest(con.conkey) with ordinality as k(attnum, ord)
          join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as columns,
       (select json_agg(a.attname order by k.ord)
          from unnest(con.confkey) with ordinality as k(attnum, ord)
          join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum) as referenced_columns,
       to_json(con.conkey) as column_numbers,
       to_json(con.confkey) as referenced_column_numbers,
       exists (
         select from pg_constraint uk
         where uk.conrelid = con.conrelid and uk.contype in ('p', 'u')
           and (select array_agg(a.attname order by a.attnum)
                  from pg_attribute a where a.attrelid = uk.conrelid and a.attnum = any(uk.conkey))
             = (select array_agg(a.attname order by k.ord)
                  from unnest(con.conkey) with ordinality as k(attnum, ord)
                  join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum)
       ) as is_one_to_one
from pg_constraint con
join pg_namespace n on n.oid = con.connamespace
join pg_class c on c.oid = con.conrelid
join pg_class rc on rc.oid = con.confrelid
join pg_namespace rn on rn.oid = rc.relnamespace
where con.contype = 'f'
  and con.conparentid = 0
  and n.nspname = any($1::text[])`;

export interface ForeignKeyRow {
  name: string;
  schema: string;
  relation: string;
  relation_oid: string;
  referenced_schema: string;
  referenced_relation: string;
  referenced_oid: string;
  columns: string[];
  referenced_columns: string[];
  column_numbers: number[];
  referenced_column_numbers: number[];
  is_one_to_one: boolean;
}

/**
 * Plain functions (no procedures, aggregates or window functions) of the schemas. Arguments
 * come in declared order, OUT and TABLE ones included. `has_default` is read position by
 * position against the input arguments' defaults, as the API's introspection does.
 */
export const FUNCTIONS_SQL = `
select p.oid::text as oid,
       n.nspname as schema,
       p.proname as name,
       pg_get_function_arguments(p.oid) as argument_types,
       pg_get_function_identity_arguments(p.oid) as signature,
       pg_get_function_result(p.oid) as result_type,
       p.prorettype::text as return_type_oid,
       p.proretset as returns_set,
       case when p.proretset then nullif(p.prorows, 0)::float8 end as rows_estimate,
       coalesce((
         select json_agg(json_build_object(
                  'name', coalesce(p.proargnames[k.ord], ''),
                  'mode', coalesce(p.proargmodes[k.ord]::text, 'i'),
                  'type_oid', k.type_oid::text,
                  'has_default', k.ord <= p.pronargs and k.ord > p.pronargs - p.pronargdefaults
                ) order by k.ord)
         from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality as k(type_oid, ord)
       ), '[]') as args
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
where n.nspname = any($1::text[]) and p.prokind = 'f'`;

export interface FunctionArgumentRow {
  name: string;
  mode: string;
  type_oid: string;
  has_default: boolean;
}

export interface FunctionRow {
  oid: string;
  schema: string;
  name: string;
  argument_types: string;
  signature: string;
  result_type: string;
  return_type_oid: string;
  returns_set: boolean;
  rows_estimate: number | null;
  args: FunctionArgumentRow[];
}

/** The stored query trees of the schemas' views and materialized views. */
export const VIEW_QUERIES_SQL = `
select c.oid::text as view_oid,
       r.ev_action::text as query_tree
from pg_rewrite r
join pg_class c on c.oid = r.ev_class
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1::text[]) and c.relkind in ('v', 'm') and r.rulename = '_RETURN'`;

export interface ViewQueryRow {
  view_oid: string;
  query_tree: string;
}

/** Every attribute name of the schemas' views, by position (views show them all to the API). */
export const VIEW_ATTRIBUTES_SQL = `
select a.attrelid::text as relation_oid, a.attnum as position, a.attname as name
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1::text[]) and c.relkind in ('v', 'm') and a.attnum > 0 and not a.attisdropped`;

export interface ViewAttributeRow {
  relation_oid: string;
  position: number;
  name: string;
}
