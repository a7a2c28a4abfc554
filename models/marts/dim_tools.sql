{{!-- Every tool in the catalog, every tool seen in the data but missing from it (category
      Uncategorized), and one row for events with no tool (site pages), so every fact row joins.
      The events' tools come from fact_analytics (the deduplicated events) in one scan. A job's tool
      matters only when neither the catalog nor an event has it: only jobs with such a tool in some
      version go through the staging query, so the million others are never deduplicated. --}}
with catalog as (
  select tool_slug, display_name, category, icon, is_active
  from {{ref "tool_catalog"}}
),
event_tools as (
  select distinct tool_slug from {{ref "fact_analytics"}}
),
jobs_with_new_tools as (
  select j.id
  from {{source "supabase" "processing_jobs"}} j
  where not exists (select 1 from catalog c where c.tool_slug = j.tool_slug)
    and not exists (select 1 from event_tools e where e.tool_slug is not distinct from j.tool_slug)
),
seen as (
  select tool_slug from event_tools
  union
  select tool_slug from ({{staged_processing_jobs where="id in (select id from jobs_with_new_tools)"}})
),
unlisted as (
  select
    s.tool_slug,
    coalesce(array_to_string(list_transform(string_split(s.tool_slug, '-'), w -> upper(w[1]) || w[2:]), ' '), 'No tool') as display_name,
    'Uncategorized' as category,
    null as icon,
    s.tool_slug is not null as is_active
  from seen s
  where not exists (select 1 from catalog c where c.tool_slug = s.tool_slug)
)
select
  {{surrogate_key "tool_slug"}} as tool_key,
  coalesce(tool_slug, 'unknown') as tool_slug,
  display_name as tool_name,
  category as tool_category,
  icon,
  is_active
from (select * from catalog union all select * from unlisted)
