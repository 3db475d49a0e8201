-- Stand-in for pg_jsonschema: its validation functions, in the schema `create extension … with
-- schema` names (@extschema@), so check constraints that call them can be created. No schema is
-- checked: every instance matches and every schema is valid.
create or replace function @extschema@.json_matches_schema(schema json, instance json) returns boolean
language sql immutable strict parallel safe
as $fn$ select true $fn$;

create or replace function @extschema@.jsonb_matches_schema(schema json, instance jsonb) returns boolean
language sql immutable strict parallel safe
as $fn$ select true $fn$;

create or replace function @extschema@.jsonschema_is_valid(schema json) returns boolean
language sql immutable strict parallel safe
as $fn$ select true $fn$;

create or replace function @extschema@.jsonschema_validation_errors(schema json, instance json) returns text[]
language sql immutable strict parallel safe
as $fn$ select '{}'::text[] $fn$;

-- @drop
drop function if exists @extschema@.jsonschema_validation_errors(json, json), @extschema@.jsonschema_is_valid(json),
  @extschema@.jsonb_matches_schema(json, jsonb), @extschema@.json_matches_schema(json, json);
