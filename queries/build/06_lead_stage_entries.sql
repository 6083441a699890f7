-- Build: each lead's first entry into each funnel stage, with its timing.
-- Every lead enters the first stage at created_at (any row for that stage is ignored);
-- `lost` and unknown stages are not funnel stages and are left out.
-- next_days is when the lead entered the next stage it reached (the next entry in time),
-- so a view can apply a conversion window to both ends.
-- Grain: lead x stage entered. Parameters: none.
-- Columns: lead_id, created_at, position, entered_at, days (since created_at), then every
--          dimension (the lead's, from lead_facts), next_days.
CREATE OR REPLACE TABLE lead_stage_entries AS
WITH entries AS (
    SELECT lead_id, 1 AS position, created_at AS entered_at FROM lead_facts
    UNION ALL
    SELECT s.lead_id, p.position, min(s.entered_at) AS entered_at
    FROM lead_stages AS s
    INNER JOIN stage_positions AS p ON s.stage = p.stage
    WHERE p.position > 1
    GROUP BY ALL
),

timed AS (
    SELECT
        e.lead_id,
        lf.created_at,
        e.position,
        e.entered_at,
        epoch(e.entered_at - lf.created_at) / 86400.0 AS days,
        {dims:of:lf}
    FROM entries AS e
    INNER JOIN lead_facts AS lf ON e.lead_id = lf.lead_id
)

SELECT
    *,
    lead(days) OVER (PARTITION BY lead_id ORDER BY entered_at, position) AS next_days
FROM timed
ORDER BY created_at;
