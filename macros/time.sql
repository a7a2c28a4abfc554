{{!-- Timestamps land as TIMESTAMPTZ; the warehouse works in UTC (modelrun sets DuckDB's TimeZone to UTC). --}}
{{#macro "utc" column}}cast({{column}} as timestamp){{/macro}}

{{#macro "utc_hour" column}}date_trunc('hour', cast({{column}} as timestamp)){{/macro}}

{{#macro "utc_date" column}}cast(cast({{column}} as timestamp) as date){{/macro}}
