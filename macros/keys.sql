{{!-- Stable surrogate keys: the same natural key gives the same number on every rebuild, so facts and
      dimensions built at different times still join. NULL keys hash to one fixed value. --}}
{{#macro "surrogate_key" expression}}hash(coalesce(cast({{expression}} as varchar), '__null__')){{/macro}}

{{!-- The hour an instant falls in, as the integer key of dim_time: 2026103114 for 2026-10-31 14:xx UTC. --}}
{{#macro "time_key" timestamp}}cast(strftime(date_trunc('hour', {{timestamp}}), '%Y%m%d%H') as integer){{/macro}}
