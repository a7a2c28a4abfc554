{{!-- What each session did, from its events (`events`: a relation with fact_analytics' columns),
      optionally only for the sessions `where` keeps (a condition on session_id): the sessionisation
      the session dimension needs. --}}
{{#macro "session_activity" events where=""}}
select
  session_id,
  any_value(user_id) as user_id,
  min(created_at) as first_event_at,
  max(created_at) as last_event_at,
  count(*) as event_count,
  count(*) filter (where event_type = 'file_upload') as uploads,
  count(*) filter (where event_type = 'file_download') > 0 as converted
from {{events}}
{{#if where}}where {{where}}{{/if}}
group by session_id
{{/macro}}
