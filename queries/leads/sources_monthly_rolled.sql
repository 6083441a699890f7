-- Question: how do the sources' leads and win rates move month by month?
-- (sources_monthly.sql's answer from the rollup lead_source_days.)
-- Grain: one row per month of created_at and source.
-- Parameters: $start, $end (DATE, inclusive, on created_at), the dimensions' filters (on
--             the lead), $sources (VARCHAR[]: the listing order).
-- Columns: month (first day), source, leads, qualified, won.
SELECT
    month,
    source,
    CAST(sum(leads) AS BIGINT) AS leads,
    CAST(sum(qualified) AS BIGINT) AS qualified,
    CAST(sum(won) AS BIGINT) AS won
FROM lead_source_days
WHERE {span} AND {picked:lead}
GROUP BY month, source
ORDER BY month, coalesce(list_position($sources, source), 99);
