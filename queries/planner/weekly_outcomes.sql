-- Question: what did the business get each week: revenue, new customers, leads?
-- Grain: one row per ISO week (Monday) in $weeks.
-- Parameters: $weeks (DATE[]: the Mondays of the weeks the model uses).
-- Columns: week, revenue (every order, attributed or not; the sales totals when there are no
--          orders), new_customers, leads.
WITH w AS (
    SELECT unnest($weeks) AS week
),

o AS (
    SELECT week, sum(revenue) AS revenue
    FROM (
        SELECT CAST(date_trunc('week', ordered_at) AS DATE) AS week, revenue FROM orders
        UNION ALL
        SELECT CAST(date_trunc('week', date) AS DATE) AS week, revenue FROM sales
        WHERE NOT EXISTS (SELECT 1 FROM orders)
    )
    GROUP BY ALL
),

c AS (
    SELECT CAST(date_trunc('week', acquired_at) AS DATE) AS week, count(*) AS new_customers
    FROM customers
    WHERE acquired_at IS NOT NULL
    GROUP BY ALL
),

l AS (
    SELECT CAST(date_trunc('week', created_at) AS DATE) AS week, count(*) AS leads
    FROM leads
    GROUP BY ALL
)

SELECT
    w.week,
    coalesce(o.revenue, 0) AS revenue,
    coalesce(c.new_customers, 0) AS new_customers,
    coalesce(l.leads, 0) AS leads
FROM w
LEFT JOIN o ON w.week = o.week
LEFT JOIN c ON w.week = c.week
LEFT JOIN l ON w.week = l.week
ORDER BY w.week;
