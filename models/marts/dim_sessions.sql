{{config materialized="incremental" unique_key="session_key"}}
{{!-- One row per session: its context from user_sessions and what it did from its events (fact_analytics
      holds them deduplicated). A session seen only in events (its row not landed yet) still gets a row,
      so every fact row joins. Incremental runs rebuild the sessions touched in the lookback window — by
      a new or late event, or an updated session row — from all their events. --}}
with
{{#if is_incremental}}
touched as (
  select session_id, {{surrogate_key "session_id"}} as session_key
  from (
    select session_id from ({{staged_analytics_events where=(since_lookback "created_at" "ended_at")}})
    union
    select cast(id as varchar) from {{source "supabase" "user_sessions"}} where {{since_lookback "updated_at" "ended_at"}}
  )
),
sessions as ({{staged_user_sessions where="cast(id as varchar) in (select session_id from touched)"}}),
activity as ({{session_activity (ref "fact_analytics") where=(rows_where (ref "fact_analytics") "session_key in (select session_key from touched)")}})
{{else}}
sessions as (select * from {{ref "stg_user_sessions"}}),
activity as ({{session_activity (ref "fact_analytics")}})
{{/if}}
select
  {{surrogate_key "coalesce(s.session_id, a.session_id)"}} as session_key,
  coalesce(s.session_id, a.session_id, 'unknown') as session_id,
  coalesce(s.user_id, a.user_id) as user_id,
  s.device_type,
  s.browser,
  s.os,
  s.country_code,
  s.referrer,
  s.utm_source,
  least(s.started_at, a.first_event_at) as started_at,
  greatest(s.last_seen_at, a.last_event_at) as ended_at,
  date_diff('second', least(s.started_at, a.first_event_at), greatest(s.last_seen_at, a.last_event_at)) as duration_seconds,
  coalesce(a.event_count, 0) as event_count,
  coalesce(a.uploads, 0) as uploads,
  coalesce(a.converted, false) as converted
from sessions s
full outer join activity a on a.session_id = s.session_id
