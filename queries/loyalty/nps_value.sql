-- Question: are promoters worth more than detractors?
-- Grain: one row per NPS group (promoters, passives, detractors), always all three.
-- A customer's group is that of their latest answer in the range.
-- Parameters: $start, $end (DATE, inclusive: which answers count, and the orders whose
--             revenue counts), the dimensions' filters (on the customer).
-- Columns: grp, position (1 promoters, 2 passives, 3 detractors), customers, revenue (of
--          their orders in the range), eligible (customers whose first order + 12 months
--          is not after the last order in the warehouse), retained (of those, customers
--          with an order on or after their first order + 12 months).
WITH latest AS (
    SELECT
        n.customer_id,
        arg_max(n.score, n.answered_at) AS score
    FROM nps AS n
    LEFT JOIN customer_facts AS cf ON n.customer_id = cf.customer_id
    WHERE ($start IS NULL OR n.answered_at >= $start)
      AND ($end IS NULL OR n.answered_at < CAST($end AS DATE) + INTERVAL 1 DAY)
      AND {picked:customer:cf}
    GROUP BY n.customer_id
),

grouped AS (
    SELECT
        customer_id,
        CASE WHEN score >= 9 THEN 1 WHEN score >= 7 THEN 2 ELSE 3 END AS position
    FROM latest
),

data_end AS (
    SELECT max(ordered_at) AS last_at FROM orders
),

bought AS (
    SELECT g.customer_id, sum(o.revenue) AS revenue
    FROM grouped AS g
    INNER JOIN orders AS o ON g.customer_id = o.customer_id
    WHERE ($start IS NULL OR o.ordered_at >= $start)
      AND ($end IS NULL OR o.ordered_at < CAST($end AS DATE) + INTERVAL 1 DAY)
    GROUP BY g.customer_id
),

history AS (
    SELECT
        g.customer_id,
        min(o.ordered_at) AS first_at,
        max(o.ordered_at) AS last_at
    FROM grouped AS g
    INNER JOIN orders AS o ON g.customer_id = o.customer_id
    GROUP BY g.customer_id
),

per_customer AS (
    SELECT
        g.position,
        coalesce(b.revenue, 0) AS revenue,
        h.first_at + INTERVAL 12 MONTH <= d.last_at AS eligible,
        h.last_at >= h.first_at + INTERVAL 12 MONTH AS retained
    FROM grouped AS g
    CROSS JOIN data_end AS d
    LEFT JOIN bought AS b ON g.customer_id = b.customer_id
    LEFT JOIN history AS h ON g.customer_id = h.customer_id
),

groups AS (
    SELECT * FROM (VALUES (1, 'promoters'), (2, 'passives'), (3, 'detractors')) AS t (position, grp)
)

SELECT
    g.grp,
    g.position,
    count(p.position) AS customers,
    coalesce(sum(p.revenue), 0) AS revenue,
    CAST(coalesce(count_if(p.eligible), 0) AS BIGINT) AS eligible,
    CAST(coalesce(count_if(p.eligible AND p.retained), 0) AS BIGINT) AS retained
FROM groups AS g
LEFT JOIN per_customer AS p ON g.position = p.position
GROUP BY g.grp, g.position
ORDER BY g.position;
