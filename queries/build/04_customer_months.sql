-- Build: one row per customer and month in which they ordered, from their cohort month on.
-- Orders before a customer's cohort month are left out (period would be negative).
-- Grain: customer x order month. Parameters: none.
-- Columns: cohort_month, period, customer_id, acquired_at, orders, revenue, gross_margin,
--          then every dimension (the customer's, from customer_facts).
-- Orders are summed per customer and month first (two narrow keys), then joined to the
-- customer's attributes: grouping 10M orders by every attribute is several times slower.
CREATE OR REPLACE TABLE customer_months AS
WITH monthly AS (
    SELECT
        customer_id,
        CAST(date_trunc('month', ordered_at) AS DATE) AS month,
        count(*) AS orders,
        sum(revenue) AS revenue,
        sum(gross_margin) AS gross_margin
    FROM orders
    GROUP BY ALL
)

SELECT
    cf.cohort_month,
    CAST(datediff('month', cf.cohort_month, m.month) AS INTEGER) AS period,
    m.customer_id,
    cf.acquired_at,
    m.orders,
    m.revenue,
    m.gross_margin,
    {dims:of:cf}
FROM monthly AS m
INNER JOIN customer_facts AS cf ON m.customer_id = cf.customer_id
WHERE cf.cohort_month IS NOT NULL AND m.month >= cf.cohort_month
ORDER BY cf.cohort_month, period;
