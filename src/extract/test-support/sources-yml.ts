/** The schema YAML proposed for models/staging/sources.yml, used as the fixture of the command tests. */
export const SOURCES_YML = `version: 2
sources:
  - name: supabase
    description: The PDF platform's Supabase tables, landed in schema raw by \`modelrun extract\`.
    loader: supabase
    schema: raw
    freshness:
      warn_after: { count: 6, period: hour }
      error_after: { count: 24, period: hour }
    tables:
      - name: analytics_events
        description: One row per tracked event; append-only, late mobile events arrive up to 1 h after created_at.
        primary_key: id
        cursor_field: created_at
        mode: append
        lookback: 1 hour
        loaded_at_field: created_at
        full_refresh_every: 30 days
      - name: user_sessions
        description: One row per session; last_seen_at and updated_at move while the session lives.
        primary_key: id
        cursor_field: updated_at
        mode: upsert
        lookback: 1 hour
        loaded_at_field: updated_at
        full_refresh_every: 7 days
      - name: processing_jobs
        description: One row per processing job; status goes queued → running → succeeded/failed.
        primary_key: id
        cursor_field: updated_at
        mode: upsert
        lookback: 1 hour
        loaded_at_field: updated_at
        full_refresh_every: 7 days
`;
