{{!-- Every landed event is in fact_analytics, and nothing else is (that each is there once is the
      unique test on event_id; a raw id landed twice is the source's unique test). One join, with no
      deduplication of the raw ids first: at 10M events that halves the test's cost. --}}
select coalesce(r.id, f.event_id) as event_id, r.id is null as only_in_fact, f.event_id is null as only_in_raw
from {{source "supabase" "analytics_events"}} r
full outer join {{ref "fact_analytics"}} f on f.event_id = r.id
where r.id is null or f.event_id is null
