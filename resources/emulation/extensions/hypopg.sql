-- Stand-in for hypopg (hypothetical indexes): its functions and view, in the schema
-- `create extension … with schema` names (@extschema@). Hypothetical indexes are remembered for
-- the session and listed; the planner never considers them.
create or replace function @extschema@.hypopg_create_index(sql_order text, out indexrelid oid, out indexname text)
returns setof record
language plpgsql volatile
as $fn$
declare
  known jsonb := coalesce(nullif(current_setting('hypopg.indexes', true), ''), '[]')::jsonb;
begin
  if sql_order !~* '^\s*create\s+(unique\s+)?index\s' then
    raise exception 'hypopg: SQL order #1 is not a CREATE INDEX statement';
  end if;
  indexrelid := 13000 + jsonb_array_length(known) + 1;
  indexname := format('<%s>btree_hypothetical', indexrelid);
  perform set_config('hypopg.indexes',
    (known || jsonb_build_array(jsonb_build_object('indexrelid', indexrelid, 'indexname', indexname, 'sql', sql_order)))::text, false);
  return next;
end
$fn$;

create or replace function @extschema@.hypopg_reset() returns void
language sql volatile
as $fn$ select set_config('hypopg.indexes', '[]', false) $fn$;

create or replace function @extschema@.hypopg_drop_index(indexid oid) returns boolean
language plpgsql volatile
as $fn$
declare
  known jsonb := coalesce(nullif(current_setting('hypopg.indexes', true), ''), '[]')::jsonb;
  kept jsonb;
begin
  select coalesce(jsonb_agg(e), '[]') into kept from jsonb_array_elements(known) e where (e ->> 'indexrelid')::oid <> indexid;
  perform set_config('hypopg.indexes', kept::text, false);
  return jsonb_array_length(kept) < jsonb_array_length(known);
end
$fn$;

create or replace function @extschema@.hypopg(out indexname text, out indexrelid oid, out sql text)
returns setof record
language sql stable
as $fn$
  select e ->> 'indexname', (e ->> 'indexrelid')::oid, e ->> 'sql'
    from jsonb_array_elements(coalesce(nullif(current_setting('hypopg.indexes', true), ''), '[]')::jsonb) e
$fn$;

create or replace view @extschema@.hypopg_list_indexes as
select h.indexrelid, h.indexname as index_name, null::name as schema_name, null::name as table_name, 'btree'::name as am_name
  from @extschema@.hypopg() h;

-- @drop
drop view if exists @extschema@.hypopg_list_indexes;
drop function if exists @extschema@.hypopg(), @extschema@.hypopg_drop_index(oid), @extschema@.hypopg_reset(),
  @extschema@.hypopg_create_index(text);
