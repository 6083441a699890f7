-- Build: the funnel under the weekly review's conversion window ($review_window days,
-- pitwall/rollups.py STORED_WINDOW), so its funnel highlight and alert read a rollup.
-- funnel_window_leads: leads by creation day, the lead's dimensions and the furthest stage
-- entered within the window of created_at (a lead with no stage entered within it is left
-- out, as funnel/stages.sql leaves it out under a window).
-- Grain: grain x day x every dimension x furthest. Parameters: $review_window (days).
-- Columns: grain, day, month, month_end, every dimension, furthest, leads.
CREATE OR REPLACE TABLE funnel_window_leads AS
WITH per_lead AS (
    SELECT lead_id, max(position) AS furthest
    FROM lead_stage_entries
    WHERE days <= $review_window
    GROUP BY lead_id
),

daily AS (
    SELECT CAST(lf.created_at AS DATE) AS day, {dims:of:lf}, p.furthest, count(*) AS leads
    FROM per_lead AS p
    INNER JOIN lead_facts AS lf ON p.lead_id = lf.lead_id
    GROUP BY CAST(lf.created_at AS DATE), {dims:of:lf}, p.furthest
),

spans AS (
    SELECT 'day' AS grain, day, {dims}, furthest, leads FROM daily
    UNION ALL
    SELECT 'month' AS grain, CAST(date_trunc('month', day) AS DATE) AS day, {dims}, furthest,
        sum(leads) AS leads
    FROM daily
    GROUP BY CAST(date_trunc('month', day) AS DATE), {dims}, furthest
)

SELECT
    grain, day, CAST(date_trunc('month', day) AS DATE) AS month, last_day(day) AS month_end,
    {dims}, furthest, CAST(leads AS BIGINT) AS leads
FROM spans
ORDER BY grain, day;
