select
  {{surrogate_key "tool_slug"}} as tool_key,
  tool_slug,
  display_name as tool_name,
  category as tool_category,
  icon,
  is_active
from {{ref "tool_catalog"}}
