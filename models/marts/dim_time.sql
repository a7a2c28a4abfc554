{{!-- Hour grain, UTC, covering every hour from the first event to the last. The range comes from
      fact_analytics (the deduplicated events), whose min and max DuckDB answers from its statistics:
      the few hundred hours are rebuilt whole on every run. --}}
with bounds as (
  select date_trunc('hour', min(created_at)) as first_hour, date_trunc('hour', max(created_at)) as last_hour
  from {{ref "fact_analytics"}}
),
hours as (
  select unnest(generate_series(first_hour, last_hour, interval 1 hour)) as timestamp_hour
  from bounds
)
select
  {{time_key "timestamp_hour"}} as time_key,
  timestamp_hour,
  cast(timestamp_hour as date) as date,
  year(timestamp_hour) as year,
  quarter(timestamp_hour) as quarter,
  month(timestamp_hour) as month,
  monthname(timestamp_hour) as month_name,
  weekofyear(timestamp_hour) as week,
  isodow(timestamp_hour) as day_of_week,
  dayname(timestamp_hour) as day_name,
  isodow(timestamp_hour) in (6, 7) as is_weekend,
  hour(timestamp_hour) as hour
from hours
