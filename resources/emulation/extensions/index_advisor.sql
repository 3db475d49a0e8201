-- Stand-in for index_advisor: its function, in the schema `create extension … with schema`
-- names (@extschema@). It reads the query's plan cost but never suggests an index.
create or replace function @extschema@.index_advisor(query text)
returns table (startup_cost_before jsonb, startup_cost_after jsonb, total_cost_before jsonb,
               total_cost_after jsonb, index_statements text[], errors text[])
language plpgsql volatile
as $fn$
declare
  plan jsonb;
begin
  execute 'explain (format json) ' || query into plan;
  startup_cost_before := plan -> 0 -> 'Plan' -> 'Startup Cost';
  total_cost_before := plan -> 0 -> 'Plan' -> 'Total Cost';
  startup_cost_after := startup_cost_before;
  total_cost_after := total_cost_before;
  index_statements := '{}';
  errors := '{}';
  return next;
exception when others then
  errors := array[sqlerrm];
  index_statements := '{}';
  return next;
end
$fn$;

-- @drop
drop function if exists @extschema@.index_advisor(text);
