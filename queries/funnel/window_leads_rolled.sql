-- Question: how many leads reach each stage within the stored conversion window?
-- (window_leads.sql's answer from the rollup funnel_window_leads, for the window
-- pitwall/rollups.py stores: STORED_WINDOW.)
-- Grain: one row per funnel stage (none when no lead qualifies).
-- Parameters: $start, $end (DATE, inclusive, on created_at), the dimensions' filters (on
--             the lead).
-- Columns: grp, stage, position, leads.
WITH reached AS (
    SELECT furthest, sum(leads) AS n
    FROM funnel_window_leads
    WHERE {span} AND {picked:lead}
    GROUP BY furthest
)

SELECT 'all' AS grp, p.stage, p.position, CAST(coalesce(sum(r.n), 0) AS BIGINT) AS leads
FROM stage_positions AS p
LEFT JOIN reached AS r ON r.furthest >= p.position
WHERE EXISTS (SELECT 1 FROM reached)
GROUP BY p.stage, p.position
ORDER BY p.position;
