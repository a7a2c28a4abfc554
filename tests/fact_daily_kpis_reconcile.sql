{{!-- fact_daily_kpis must add up to fact_analytics: any (date, tool) whose counts differ is a failure. --}}
with expected as (
  select
    cast(created_at as date) as date,
    tool_key,
    count(*) filter (where event_type = 'file_upload') as total_uploads,
    count(*) filter (where event_type = 'processing_started') as total_processing,
    count(*) filter (where event_type = 'file_download') as total_downloads,
    count(*) filter (where event_type = 'processing_failed') as failures
  from {{ref "fact_analytics"}}
  group by all
)
select coalesce(e.date, k.date) as date, coalesce(e.tool_key, k.tool_key) as tool_key
from expected e
full outer join {{ref "fact_daily_kpis"}} k using (date, tool_key)
where e.total_uploads is distinct from k.total_uploads
   or e.total_processing is distinct from k.total_processing
   or e.total_downloads is distinct from k.total_downloads
   or e.failures is distinct from k.failures
