{{!-- A ratio that is NULL instead of an error when the denominator is zero or NULL. --}}
{{#macro "safe_divide" numerator denominator}}({{numerator}}) / nullif({{denominator}}, 0){{/macro}}
