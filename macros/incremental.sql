{{!-- What an incremental run re-reads: raw rows whose `raw_column` is past the newest `model_column` of
      the model's own table, less lookback_hours for rows that land late. The bound is cast to
      TIMESTAMPTZ, the raw columns' type, so the filter compares the bare column and DuckDB prunes the
      scan with it; a cast on the column side would instead be evaluated against every raw row. --}}
{{#macro "since_lookback" raw_column model_column}}{{raw_column}} > cast((select max({{model_column}}) from {{this}}) - interval '{{var "lookback_hours"}} hours' as timestamptz){{/macro}}
