{{!-- A stable surrogate key: the same natural key gives the same number on every rebuild. --}}
{{#macro "surrogate_key" expression}}hash(coalesce(cast({{expression}} as varchar), '__null__')){{/macro}}
