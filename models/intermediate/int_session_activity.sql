{{config materialized="ephemeral"}}
{{!-- What each session did, from its events: the sessionisation the session dimension needs. --}}
select
  session_id,
  any_value(user_id) as user_id,
  min(created_at) as first_event_at,
  max(created_at) as last_event_at,
  count(*) as event_count,
  count(*) filter (where event_type = 'file_upload') as uploads,
  count(*) filter (where event_type = 'file_download') > 0 as converted
from {{ref "stg_analytics_events"}}
group by session_id
