{{!-- Jobs are mutable (queued → running → succeeded | failed): keep the latest version of each. --}}
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
qualify row_number() over (partition by id order by updated_at desc) = 1
