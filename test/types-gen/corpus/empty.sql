-- A database with nothing in public: every section is empty.
select 1;
