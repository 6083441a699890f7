-- Build: the cohorts' rollups (pitwall/rollups.py: 'day' and 'month' rows of acquired_at),
-- so retention, value curves and cohort economics read tables whose size does not grow with
-- customers or orders.
-- order_span: the last order and whether any order carries a margin.
-- Grain: one row. Parameters: none. Columns: last_at, last_day, margin_loaded.
CREATE OR REPLACE TABLE order_span AS
SELECT
    max(ordered_at) AS last_at,
    CAST(max(ordered_at) AS DATE) AS last_day,
    bool_or(gross_margin IS NOT NULL) AS margin_loaded
FROM orders;

-- cohort_customers: customers by acquisition day, the last period they ordered in
-- (customer_facts.last_period) and the whole months from acquisition to the last order
-- (`months`, months_since). Customers without acquired_at are one 'month' row with NULL days.
-- Grain: grain x day x every dimension x last_period x months. Parameters: none.
-- Columns: grain, day, month, month_end, every dimension, last_period, months, customers.
CREATE OR REPLACE TABLE cohort_customers AS
WITH daily AS (
    SELECT
        CAST(cf.acquired_at AS DATE) AS day,
        {dims:of:cf},
        cf.last_period,
        months_since(cf.acquired_at, s.last_at) AS months,
        count(*) AS customers
    FROM customer_facts AS cf
    CROSS JOIN order_span AS s
    GROUP BY CAST(cf.acquired_at AS DATE), {dims:of:cf}, cf.last_period,
        months_since(cf.acquired_at, s.last_at)
),

spans AS (
    SELECT 'day' AS grain, day, {dims}, last_period, months, customers
    FROM daily
    WHERE day IS NOT NULL
    UNION ALL
    SELECT 'month' AS grain, CAST(date_trunc('month', day) AS DATE) AS day, {dims},
        last_period, months, sum(customers) AS customers
    FROM daily
    GROUP BY CAST(date_trunc('month', day) AS DATE), {dims}, last_period, months
)

SELECT
    grain, day, CAST(date_trunc('month', day) AS DATE) AS month, last_day(day) AS month_end,
    {dims}, last_period, months, CAST(customers AS BIGINT) AS customers
FROM spans
ORDER BY grain, day;

-- cohort_activity: customer_months summed by acquisition day: customers active in each
-- period (month since the cohort month), their orders, revenue and margin.
-- Grain: grain x day x every dimension x period. Parameters: none.
-- Columns: grain, day, month, month_end, every dimension, period, active, orders, revenue,
--          gross_margin (NULL when no order carries one).
CREATE OR REPLACE TABLE cohort_activity AS
WITH daily AS (
    SELECT
        CAST(acquired_at AS DATE) AS day,
        {dims},
        period,
        count(*) AS active,
        sum(orders) AS orders,
        sum(revenue) AS revenue,
        sum(gross_margin) AS gross_margin
    FROM customer_months
    GROUP BY CAST(acquired_at AS DATE), {dims}, period
),

spans AS (
    SELECT 'day' AS grain, day, {dims}, period, active, orders, revenue, gross_margin
    FROM daily
    UNION ALL
    SELECT 'month' AS grain, CAST(date_trunc('month', day) AS DATE) AS day, {dims}, period,
        sum(active) AS active, sum(orders) AS orders, sum(revenue) AS revenue,
        sum(gross_margin) AS gross_margin
    FROM daily
    GROUP BY CAST(date_trunc('month', day) AS DATE), {dims}, period
)

SELECT
    grain, day, CAST(date_trunc('month', day) AS DATE) AS month, last_day(day) AS month_end,
    {dims}, period, CAST(active AS BIGINT) AS active, CAST(orders AS BIGINT) AS orders,
    revenue, gross_margin
FROM spans
ORDER BY grain, day;

-- cohort_value: the customers' orders by acquisition day and month since acquisition
-- (1-based, as queries/cohorts/ltv.sql counts it: orders before acquisition in month 1).
-- Grain: grain x day x every dimension x value_month. Parameters: none.
-- Columns: grain, day, month, month_end, every dimension, value_month, revenue,
--          gross_margin (NULL when no order carries one).
CREATE OR REPLACE TABLE cohort_value AS
WITH timed AS (
    SELECT
        CAST(cf.acquired_at AS DATE) AS day,
        {dims:of:cf},
        greatest(1, months_since(cf.acquired_at, o.ordered_at) + 1) AS value_month,
        o.revenue,
        o.gross_margin
    FROM orders AS o
    INNER JOIN customer_facts AS cf ON o.customer_id = cf.customer_id
    WHERE cf.acquired_at IS NOT NULL
),

daily AS (
    SELECT day, {dims}, value_month, sum(revenue) AS revenue, sum(gross_margin) AS gross_margin
    FROM timed
    GROUP BY day, {dims}, value_month
),

spans AS (
    SELECT 'day' AS grain, day, {dims}, value_month, revenue, gross_margin FROM daily
    UNION ALL
    SELECT 'month' AS grain, CAST(date_trunc('month', day) AS DATE) AS day, {dims},
        value_month, sum(revenue) AS revenue, sum(gross_margin) AS gross_margin
    FROM daily
    GROUP BY CAST(date_trunc('month', day) AS DATE), {dims}, value_month
)

SELECT
    grain, day, CAST(date_trunc('month', day) AS DATE) AS month, last_day(day) AS month_end,
    {dims}, value_month, revenue, gross_margin
FROM spans
ORDER BY grain, day;
