{{!-- Each Supabase stream's staging query: typed, renamed, one row per id (its latest version). The
      staging views are these queries unfiltered; incremental models pass `where` (SQL on the raw
      table's columns) to read only the rows they need. The filter runs before deduplicating, which
      gives the same rows as filtering the view when it keeps whole ids, or every version newer than an
      instant of the column that orders the versions (the latest version of an id is then kept whenever
      any version is). --}}
{{#macro "latest_per_key" key order_by}}qualify row_number() over (partition by {{key}} order by {{order_by}} desc) = 1{{/macro}}

{{#macro "staged_analytics_events" where=""}}
select
  id as event_id,
  {{utc "created_at"}} as created_at,
  cast(session_id as varchar) as session_id,
  cast(user_id as varchar) as user_id,
  event_type,
  tool_slug,
  file_size_bytes,
  page_count,
  duration_ms,
  error_code,
  properties
from {{source "supabase" "analytics_events"}}
{{#if where}}where {{where}}{{/if}}
{{latest_per_key "id" "created_at"}}
{{/macro}}

{{#macro "staged_user_sessions" where=""}}
select
  cast(id as varchar) as session_id,
  cast(user_id as varchar) as user_id,
  {{utc "started_at"}} as started_at,
  {{utc "last_seen_at"}} as last_seen_at,
  {{utc "updated_at"}} as updated_at,
  device_type,
  browser,
  os,
  country_code,
  referrer,
  utm_source
from {{source "supabase" "user_sessions"}}
{{#if where}}where {{where}}{{/if}}
{{latest_per_key "id" "updated_at"}}
{{/macro}}

{{#macro "staged_processing_jobs" where=""}}
select
  cast(id as varchar) as job_id,
  cast(session_id as varchar) as session_id,
  tool_slug,
  status,
  input_bytes,
  output_bytes,
  pages,
  {{utc "created_at"}} as created_at,
  {{utc "started_at"}} as started_at,
  {{utc "finished_at"}} as finished_at,
  {{utc "updated_at"}} as updated_at,
  error_code,
  date_diff('millisecond', {{utc "started_at"}}, {{utc "finished_at"}}) as processing_ms
from {{source "supabase" "processing_jobs"}}
{{#if where}}where {{where}}{{/if}}
{{latest_per_key "id" "updated_at"}}
{{/macro}}
