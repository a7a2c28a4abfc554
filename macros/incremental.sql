{{!-- What an incremental run re-reads: raw rows whose `raw_column` is past the newest `model_column` of
      the model's own table, less lookback_hours for rows that land late. The bound is cast to
      TIMESTAMPTZ, the raw columns' type, so the filter compares the bare column and DuckDB prunes the
      scan with it; a cast on the column side would instead be evaluated against every raw row. --}}
{{#macro "since_lookback" raw_column model_column}}{{raw_column}} > cast((select max({{model_column}}) from {{this}}) - interval '{{var "lookback_hours"}} hours' as timestamptz){{/macro}}
{{!-- Keeps the rows of `relation` that `condition` keeps, for a condition that drops nearly all of them.
      DuckDB reads every selected column of every row a filter looks at; picking the rowids on the
      condition's own columns first, then fetching just those rows, skips the wide columns of the rows
      it drops (dim_sessions' incremental run: the touched sessions' events among ten million). --}}
{{#macro "rows_where" relation condition}}rowid in (select rowid from {{relation}} where {{condition}}){{/macro}}
