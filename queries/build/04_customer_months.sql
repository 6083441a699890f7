-- Build: one row per customer and month in which they ordered, from their cohort month on.
-- Orders before a customer's cohort month are left out (period would be negative).
-- Grain: customer x order month. Parameters: none.
-- Columns: cohort_month, period, customer_id, channel, kind, segment, region, acquired_at,
--          orders, revenue, gross_margin.
CREATE OR REPLACE TABLE customer_months AS
SELECT
    cf.cohort_month,
    CAST(datediff('month', cf.cohort_month, date_trunc('month', o.ordered_at)) AS INTEGER)
        AS period,
    o.customer_id,
    cf.channel,
    cf.kind,
    cf.segment,
    cf.region,
    cf.acquired_at,
    count(*) AS orders,
    sum(o.revenue) AS revenue,
    sum(o.gross_margin) AS gross_margin
FROM orders AS o
INNER JOIN customer_facts AS cf ON o.customer_id = cf.customer_id
WHERE cf.cohort_month IS NOT NULL AND date_trunc('month', o.ordered_at) >= cf.cohort_month
GROUP BY ALL
ORDER BY cf.cohort_month, period;

-- The last period each customer ordered in, for "on or after" retention.
ALTER TABLE customer_facts ADD COLUMN last_period INTEGER;
UPDATE customer_facts SET last_period = m.last_period
FROM (
    SELECT customer_id, max(period) AS last_period FROM customer_months GROUP BY customer_id
) AS m
WHERE customer_facts.customer_id = m.customer_id;
