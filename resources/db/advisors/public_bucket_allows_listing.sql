-- Public buckets (their files are served by URL without any policy) that also have a permissive
-- SELECT policy on storage.objects for public, anon or authenticated that admits every object
-- of the bucket: no condition, an always-true one, or only `bucket_id = '<the bucket>'`.
-- Run only when storage.buckets exists.
with listing_policy as (
  select p.polname::text as policy_name,
         pg_catalog.pg_get_expr(p.polqual, p.polrelid) as qual
    from pg_catalog.pg_policy p
   where p.polrelid = 'storage.objects'::regclass
     and p.polpermissive and p.polcmd in ('r', '*')
     and (p.polroles = array[0::oid]
          or exists (select from unnest(p.polroles) as r where r::regrole::text in ('anon', 'authenticated')))
),
open_bucket as (
  select b.id::text as bucket_id, b.name::text as bucket_name, lp.policy_name
    from storage.buckets b
    join listing_policy lp
      on lp.qual is null
      or regexp_replace(lower(lp.qual), '[ \n\t]', '', 'g') in ('true', '(true)', '1=1', '(1=1)')
      or (regexp_match(lp.qual, $re$\A\s*\(*\s*bucket_id\s*=\s*('(?:[^']|'')*')(\s*::\s*[[:alnum:]_.]+)?\s*\)*\s*\Z$re$, 'i'))[1]
         = '''' || replace(b.id::text, '''', '''''') || ''''
   where b.public
)
select format('public_bucket_allows_listing_%s', bucket_id) as cache_key,
       'bucket' as object_type, 'storage' as schema_name, bucket_name as object_name,
       format('bucket %s', bucket_name) as object,
       format('Public bucket `%s` has %s broad SELECT %s on `storage.objects` (%s), allowing clients to list all files. Public buckets don''t need this for object URL access and it may expose more data than intended.',
              bucket_name, count(*), case when count(*) = 1 then 'policy' else 'policies' end,
              string_agg(policy_name, ', ' order by policy_name)) as detail
  from open_bucket
 group by bucket_id, bucket_name
