select
  {{surrogate_key "event_type"}} as event_type_key,
  event_type,
  funnel_stage,
  funnel_order,
  description
from {{ref "event_types"}}
