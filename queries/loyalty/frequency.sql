-- Question: how often do customers buy, and how much per order?
-- Grain: one row per group of $by: the buyer's cohort month (`cohort`, as YYYY-MM), the
-- buyer's acquisition channel (`channel`), or the order's sales channel (`sales_channel`).
-- Orders placed in the range count; a customer buying through two sales channels is a
-- buyer of each.
-- Parameters: $start, $end (DATE, inclusive, on ordered_at), the dimensions' filters (on the
--             buyer, as Cohorts picks customers), $by (VARCHAR: cohort, channel, sales_channel).
-- Columns: grp (NULL: no acquisition channel, or no sales channel given), buyers (distinct
--          customers with an order), orders, revenue.
WITH buyers AS (
    SELECT customer_id, cohort_month, channel
    FROM customer_facts
    WHERE {picked:customer}
)

SELECT
    CASE $by
        WHEN 'cohort' THEN strftime(b.cohort_month, '%Y-%m')
        WHEN 'channel' THEN b.channel
        ELSE o.sales_channel
    END AS grp,
    count(DISTINCT o.customer_id) AS buyers,
    count(*) AS orders,
    sum(o.revenue) AS revenue
FROM orders AS o
INNER JOIN buyers AS b ON o.customer_id = b.customer_id
WHERE ($start IS NULL OR o.ordered_at >= $start)
  AND ($end IS NULL OR o.ordered_at < CAST($end AS DATE) + INTERVAL 1 DAY)
GROUP BY ALL
ORDER BY grp NULLS LAST;
