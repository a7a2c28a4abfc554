{{!-- Jobs are mutable (queued → running → succeeded | failed): keep the latest version of each (the
      macro staged_processing_jobs). --}}
{{staged_processing_jobs}}
