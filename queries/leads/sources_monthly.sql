-- Question: how do the sources' leads and win rates move month by month?
-- Grain: one row per month of created_at and source.
-- Parameters: $start, $end (DATE, inclusive, on created_at), the dimensions' filters (on
--             the lead), $sources (VARCHAR[]: the listing order).
-- Columns: month (first day), source ('not recorded' when the lead has none), leads,
--          qualified, won.
WITH l AS (
    SELECT
        CAST(date_trunc('month', created_at) AS DATE) AS month,
        coalesce(source, 'not recorded') AS source,
        qualified,
        won
    FROM lead_outcomes
    WHERE ($start IS NULL OR created_at >= $start)
      AND ($end IS NULL OR created_at < CAST($end AS DATE) + INTERVAL 1 DAY)
      AND {picked:lead}
)

SELECT month, source, count(*) AS leads, CAST(count_if(qualified) AS BIGINT) AS qualified, CAST(count_if(won) AS BIGINT) AS won
FROM l
GROUP BY month, source
ORDER BY month, coalesce(list_position($sources, source), 99);
