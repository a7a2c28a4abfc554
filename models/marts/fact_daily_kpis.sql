{{config materialized="incremental" unique_key="[date, tool_key]"}}
{{!-- One row per UTC date and tool: the funnel counts the dashboards read. Incremental runs recount
      whole dates, from the first date the lookback window can reach. --}}
select
  cast(f.created_at as date) as date,
  f.tool_key,
  count(*) filter (where f.event_type = 'file_upload') as total_uploads,
  count(*) filter (where f.event_type = 'processing_started') as total_processing,
  count(*) filter (where f.event_type = 'file_download') as total_downloads,
  count(*) filter (where f.event_type = 'processing_failed') as failures,
  count(*) filter (where f.event_type = 'page_view') as page_views,
  count(distinct f.session_key) as sessions,
  count(distinct f.user_id) as unique_users,
  round(avg(f.duration_ms) filter (where f.event_type in ('processing_completed', 'processing_failed')), 1) as avg_processing_ms,
  round({{safe_divide "count(*) filter (where f.event_type = 'file_download')" "count(*) filter (where f.event_type = 'file_upload')"}}, 4) as conversion_rate
from {{ref "fact_analytics"}} f
{{#if is_incremental}}
where f.created_at >= date_trunc('day', (select max(date) from {{this}}) - interval '{{var "lookback_hours"}} hours')
{{/if}}
group by all
