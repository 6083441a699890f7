-- Question: how likely are customers to recommend us, month by month and by group?
-- (nps.sql's answer from the rollup nps_days: exact for any range of days.)
-- Grain: one row per group (see {group}) and month of answer.
-- Parameters: $start, $end (DATE, inclusive, on answered_at), the dimensions' filters (on
--             the answering customer).
-- Identifier: {group} is an allow-listed breakdown column, or a constant for no breakdown.
-- Columns: grp, month, responses, promoters, passives, detractors.
SELECT
    {group} AS grp,
    month,
    sum(responses) AS responses,
    sum(promoters) AS promoters,
    sum(passives) AS passives,
    sum(detractors) AS detractors
FROM nps_days
WHERE {span}
  AND {picked:customer}
GROUP BY ALL
ORDER BY grp, month;
