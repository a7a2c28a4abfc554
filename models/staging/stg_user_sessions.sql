{{!-- Sessions are mutable: keep the latest version of each. --}}
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
qualify row_number() over (partition by id order by updated_at desc) = 1
