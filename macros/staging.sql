{{!-- Each Supabase stream's staging query: typed, renamed, one row per id (its latest version). The
      staging views are these queries unfiltered; incremental models pass `where` (SQL on the raw
      table's columns) to read only the rows they need. The filter runs before deduplicating, which
      gives the same rows as filtering the view when it keeps whole ids, or every version newer than an
      instant of the column that orders the versions (the latest version of an id is then kept whenever
      any version is). --}}
{{!-- With a `where`, the versions are ranked on the few columns the filter and the ranking read, and only
      the winning rows are then fetched by rowid: DuckDB ranks by carrying every selected column through
      the ranking, which on an incremental run's 170k events (JSON properties included) costs more than
      reading them. Without one, every row is read anyway and ranking in place is cheapest. --}}
{{#macro "latest_per_key" relation key order_by where=""}}
{{#if where}}
where rowid in (
  select rowid from {{relation}}
  where {{where}}
  qualify row_number() over (partition by {{key}} order by {{order_by}} desc) = 1
)
{{else}}
qualify row_number() over (partition by {{key}} order by {{order_by}} desc) = 1
{{/if}}
{{/macro}}

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
{{latest_per_key (source "supabase" "analytics_events") "id" "created_at" where=where}}
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
{{latest_per_key (source "supabase" "user_sessions") "id" "updated_at" where=where}}
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
{{latest_per_key (source "supabase" "processing_jobs") "id" "updated_at" where=where}}
{{/macro}}
