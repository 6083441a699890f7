-- Question: how likely are customers to recommend us, month by month and by group?
-- Grain: one row per group (see {group}) and month of answer. Every answer counts.
-- Parameters: $start, $end (DATE, inclusive, on answered_at), the dimensions' filters (on
--             the answering customer, as Cohorts picks customers: see docs/metrics.md).
-- Identifier: {group} is an allow-listed breakdown column, or a constant for no breakdown.
-- An answer whose customer is in neither customers nor orders has no dimension: it counts
-- when no dimension is picked, in group NULL.
-- Columns: grp, month, responses, promoters (9–10), passives (7–8), detractors (0–6).
WITH answers AS (
    SELECT
        {group} AS grp,
        CAST(date_trunc('month', n.answered_at) AS DATE) AS month,
        n.score
    FROM nps AS n
    LEFT JOIN customer_facts AS cf ON n.customer_id = cf.customer_id
    WHERE ($start IS NULL OR n.answered_at >= $start)
      AND ($end IS NULL OR n.answered_at < CAST($end AS DATE) + INTERVAL 1 DAY)
      AND {picked:customer:cf}
)

SELECT
    grp,
    month,
    count(*) AS responses,
    count_if(score >= 9) AS promoters,
    count_if(score BETWEEN 7 AND 8) AS passives,
    count_if(score <= 6) AS detractors
FROM answers
GROUP BY ALL
ORDER BY grp, month;
