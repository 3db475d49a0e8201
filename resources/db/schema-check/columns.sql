-- The columns of the tables in public, with information_schema's type names.
select table_name::text, column_name::text, data_type::text
  from information_schema.columns where table_schema = 'public';
