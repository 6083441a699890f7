-- Question: how many leads reach each stage within a conversion window?
-- (The leads column of funnel/stages.sql under a window, without a breakdown: the weekly
-- review's funnel highlight; window_leads_rolled.sql answers it for the stored window.)
-- Grain: one row per funnel stage (none when no lead of the range entered a stage within
-- the window).
-- Parameters: $start, $end (DATE, inclusive, on created_at), the dimensions' filters (on
--             the lead), $window_days (days).
-- Columns: grp, stage, position, leads.
WITH furthest AS (
    SELECT lead_id, max(position) AS furthest
    FROM lead_stage_entries
    WHERE ($start IS NULL OR created_at >= $start)
      AND ($end IS NULL OR created_at < CAST($end AS DATE) + INTERVAL 1 DAY)
      AND {picked:lead}
      AND days <= $window_days
    GROUP BY lead_id
)

SELECT 'all' AS grp, p.stage, p.position, CAST(count(f.lead_id) AS BIGINT) AS leads
FROM stage_positions AS p
LEFT JOIN furthest AS f ON f.furthest >= p.position
WHERE EXISTS (SELECT 1 FROM furthest)
GROUP BY p.stage, p.position
ORDER BY p.position;
