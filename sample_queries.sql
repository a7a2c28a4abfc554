-- Sample BI queries for data/dashboard_analytics.duckdb.
-- The first three are the original pipeline's, verbatim; they run unchanged on this warehouse.

-- SaaS tool performance analysis
SELECT t.tool_category, SUM(k.total_downloads) as completed_transactions
FROM fact_daily_kpis k
JOIN dim_tools t ON k.tool_key = t.tool_key
GROUP BY t.tool_category
ORDER BY completed_transactions DESC;

-- Conversion funnel analysis  
SELECT date, 
       total_uploads as initiated_sessions,
       total_processing as active_processing,
       total_downloads as completed_transactions,
       ROUND(total_downloads * 100.0 / total_uploads, 2) as conversion_rate
FROM fact_daily_kpis
ORDER BY date DESC;

-- Peak usage analysis
SELECT tm.hour, COUNT(*) as events, COUNT(DISTINCT f.session_key) as sessions
FROM fact_analytics f
JOIN dim_time tm ON f.time_key = tm.time_key
GROUP BY tm.hour
ORDER BY events DESC;

-- Weekly retention: of the users active in a week, how many came back in each later week
WITH activity AS (
  SELECT DISTINCT f.user_id, date_trunc('week', tm.date) AS week
  FROM fact_analytics f
  JOIN dim_time tm ON f.time_key = tm.time_key
),
cohorts AS (
  SELECT user_id, min(week) AS cohort_week FROM activity GROUP BY user_id
)
SELECT c.cohort_week,
       date_diff('week', c.cohort_week, a.week) AS weeks_later,
       COUNT(DISTINCT a.user_id) AS active_users,
       ROUND(COUNT(DISTINCT a.user_id) * 100.0 / first(cohort_size), 1) AS retention_pct
FROM cohorts c
JOIN activity a USING (user_id)
JOIN (SELECT cohort_week, COUNT(*) AS cohort_size FROM cohorts GROUP BY cohort_week) s USING (cohort_week)
GROUP BY c.cohort_week, weeks_later
ORDER BY c.cohort_week, weeks_later;

-- Tool failure rates: processing runs that failed, by tool
SELECT t.tool_name, t.tool_category,
       SUM(k.total_processing) AS processing_runs,
       SUM(k.failures) AS failures,
       ROUND(SUM(k.failures) * 100.0 / NULLIF(SUM(k.total_processing), 0), 2) AS failure_rate_pct
FROM fact_daily_kpis k
JOIN dim_tools t ON k.tool_key = t.tool_key
GROUP BY t.tool_name, t.tool_category
HAVING SUM(k.total_processing) > 0
ORDER BY failure_rate_pct DESC, processing_runs DESC;

-- File-size distribution of uploads
SELECT CASE
         WHEN f.file_size_bytes < 100000 THEN '1: < 100 KB'
         WHEN f.file_size_bytes < 1000000 THEN '2: 100 KB – 1 MB'
         WHEN f.file_size_bytes < 10000000 THEN '3: 1 – 10 MB'
         ELSE '4: ≥ 10 MB'
       END AS size_band,
       COUNT(*) AS uploads,
       ROUND(AVG(f.page_count), 1) AS avg_pages
FROM fact_analytics f
WHERE f.event_type = 'file_upload'
GROUP BY size_band
ORDER BY size_band;
