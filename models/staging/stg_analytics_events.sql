{{!-- One row per event: landing already deduplicates by id, this keeps the model right on any raw copy.
      The query lives in the macro staged_analytics_events, which incremental models run on fewer rows. --}}
{{staged_analytics_events}}
