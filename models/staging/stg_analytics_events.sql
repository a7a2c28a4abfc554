{{!-- One row per event: landing already deduplicates by id, this keeps the model right on any raw copy. --}}
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
qualify row_number() over (partition by id order by created_at desc) = 1
