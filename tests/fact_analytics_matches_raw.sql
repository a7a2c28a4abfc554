{{!-- Every landed event is in fact_analytics exactly once, and nothing else is. --}}
select coalesce(r.id, f.event_id) as event_id, r.id is null as only_in_fact, f.event_id is null as only_in_raw
from (select distinct id from {{source "supabase" "analytics_events"}}) r
full outer join {{ref "fact_analytics"}} f on f.event_id = r.id
where r.id is null or f.event_id is null
