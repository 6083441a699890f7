-- Question: are promoters worth more than detractors?
-- (nps_value.sql's answer from the rollups nps_latest and nps_latest_revenue, for whole
-- months: $start is a month's first day or NULL, $end a month's last day or NULL.
-- pitwall/loyalty.py reads nps_value.sql for a range that cuts a month.)
-- Grain: one row per NPS group (promoters, passives, detractors), always all three.
-- Parameters: $start, $end (DATE, whole months), the dimensions' filters (on the customer).
-- Columns: grp, position, customers, revenue, eligible, retained (as in nps_value.sql).
WITH latest AS (
    SELECT position, sum(customers) AS customers, sum(eligible) AS eligible,
        sum(retained) AS retained
    FROM nps_latest
    WHERE ($start IS NULL OR answer_month >= $start)
      AND ($end IS NULL OR answer_month <= $end)
      AND (next_month IS NULL OR next_month > $end)
      AND {picked:customer}
    GROUP BY position
),

paid AS (
    SELECT position, sum(revenue) AS revenue
    FROM nps_latest_revenue
    WHERE ($start IS NULL OR answer_month >= $start)
      AND ($end IS NULL OR answer_month <= $end)
      AND (next_month IS NULL OR next_month > $end)
      AND ($start IS NULL OR order_month >= $start)
      AND ($end IS NULL OR order_month <= $end)
      AND {picked:customer}
    GROUP BY position
),

groups AS (
    SELECT * FROM (VALUES (1, 'promoters'), (2, 'passives'), (3, 'detractors')) AS t (position, grp)
)

SELECT
    g.grp,
    g.position,
    CAST(coalesce(l.customers, 0) AS BIGINT) AS customers,
    coalesce(p.revenue, 0) AS revenue,
    CAST(coalesce(l.eligible, 0) AS BIGINT) AS eligible,
    CAST(coalesce(l.retained, 0) AS BIGINT) AS retained
FROM groups AS g
LEFT JOIN latest AS l ON g.position = l.position
LEFT JOIN paid AS p ON g.position = p.position
ORDER BY g.position;
