-- Tables without RLS in an exposed schema that anon or authenticated may select, holding a
-- column whose name (lower case, '-' read as '_') is one of the names below: credentials,
-- personal and financial identifiers, health records, device ids, keys, biometrics.
with sensitive_name(name) as (
  values
    ('password'), ('passwd'), ('pwd'), ('passphrase'), ('secret'), ('secret_key'), ('private_key'),
    ('api_key'), ('apikey'), ('auth_key'), ('token'), ('jwt'), ('access_token'), ('refresh_token'),
    ('oauth_token'), ('session_token'), ('bearer_token'), ('auth_code'), ('session_id'), ('session_key'),
    ('session_secret'), ('recovery_code'), ('backup_code'), ('verification_code'), ('otp'), ('two_factor'),
    ('2fa_secret'), ('2fa_code'),
    ('ssn'), ('social_security'), ('social_security_number'), ('driver_license'), ('drivers_license'),
    ('license_number'), ('passport_number'), ('passport_id'), ('national_id'), ('tax_id'),
    ('credit_card'), ('card_number'), ('cvv'), ('cvc'), ('cvn'), ('bank_account'), ('account_number'),
    ('routing_number'), ('iban'), ('swift_code'), ('bic'),
    ('health_record'), ('medical_record'), ('patient_id'), ('insurance_number'), ('health_insurance'),
    ('medical_insurance'), ('treatment'),
    ('mac_address'), ('macaddr'), ('imei'), ('device_uuid'),
    ('pgp_key'), ('gpg_key'), ('ssh_key'), ('certificate'), ('license_key'), ('activation_key'),
    ('facial_recognition')
),
sensitive_column as (
  select n.nspname::text as schema_name, c.relname::text as table_name, a.attname::text as column_name
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
   where c.relkind = 'r' and not c.relrowsecurity
     and (pg_catalog.has_table_privilege('anon', c.oid, 'select')
          or pg_catalog.has_table_privilege('authenticated', c.oid, 'select'))
     and n.nspname = any(:exposed_schemas) and n.nspname <> all(:managed_schemas)
     and replace(lower(a.attname), '-', '_') in (select name from sensitive_name)
)
select format('sensitive_columns_exposed_%s_%s', schema_name, table_name) as cache_key,
       'table' as object_type, schema_name, table_name as object_name,
       format('%I.%I', schema_name, table_name) as object,
       format('Table `%s.%s` is exposed via API without RLS and contains potentially sensitive column(s): %s. This may lead to data exposure.',
              schema_name, table_name, string_agg(column_name, ', ' order by column_name)) as detail
  from sensitive_column
 group by schema_name, table_name
