{{!-- Every landed event is in fact_analytics, and nothing else is (that each is there once is the
      unique test on event_id; a raw id landed twice is the source's unique test).
      Matching ten million ids pair by pair takes 1–2 s; counting them and adding up their hashes
      takes 0.1 s. So the ids are matched only when those totals differ (or an id is NULL): a run
      that passes skips the join, and one that fails lists every id one side lacks, as before. Two
      different sets of ids with the same count and the same sum of 64-bit hashes would pass: about
      one chance in 2^64. The ids are hashed after UNION ALL has given both sides one type, the one
      the join compares them in: hash() reads a value as stored, and a DECIMAL 1.0 is stored as 10. --}}
with ids as (
  select false as in_fact, id from {{source "supabase" "analytics_events"}}
  union all
  select true, event_id from {{ref "fact_analytics"}}
),
totals as (
  select in_fact, count(*) as n, count(id) as ids, sum(hash(id)::hugeint) as hashes from ids group by in_fact
),
differ as (
  select 1 from totals having count(*) < 2 or count(distinct (n, hashes)) > 1 or not bool_and(n = ids)
)
select coalesce(r.id, f.event_id) as event_id, r.id is null as only_in_fact, f.event_id is null as only_in_raw
from (select id from {{source "supabase" "analytics_events"}} semi join differ on true) r
full outer join (select event_id from {{ref "fact_analytics"}} semi join differ on true) f on f.event_id = r.id
where r.id is null or f.event_id is null
