{{!-- One row per session: its context from user_sessions and what it did from its events. A session
      seen only in events (its row not landed yet) still gets a row, so every fact row joins. --}}
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
from {{ref "stg_user_sessions"}} s
full outer join {{ref "int_session_activity"}} a on a.session_id = s.session_id
