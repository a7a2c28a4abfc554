{{config materialized="incremental" unique_key="event_id" on_schema_change="append_new_columns"}}
{{!-- Event grain, keys to all four dimensions. Incremental runs re-read the last lookback_hours of
      events, since events reach Supabase up to an hour late; unique_key replaces re-read rows. They
      filter the raw rows before deduplicating, so they read those hours rather than every event. --}}
select
  e.event_id,
  {{surrogate_key "e.session_id"}} as session_key,
  {{time_key "e.created_at"}} as time_key,
  {{surrogate_key "e.tool_slug"}} as tool_key,
  {{surrogate_key "e.event_type"}} as event_type_key,
  e.created_at,
  e.user_id,
  e.session_id,
  e.event_type,
  e.tool_slug,
  e.file_size_bytes,
  e.page_count,
  e.duration_ms,
  e.error_code,
  e.event_type = 'processing_failed' as is_failure
{{#if is_incremental}}
from ({{staged_analytics_events where=(since_lookback "created_at" "created_at")}}) e
{{else}}
from {{ref "stg_analytics_events"}} e
{{/if}}
