-- Build: the Leads page's rollups (pitwall/rollups.py: 'day' and 'month' rows of
-- created_at), so its counts read a table whose size does not grow with leads.
-- lead_source_days: leads, qualified and won by creation day, source and the lead's
-- dimensions. Leads without created_at are one 'month' row with NULL days.
-- Grain: grain x day x source x every dimension. Parameters: none.
-- Columns: grain, day, month, month_end, source ('not recorded' when the lead has none),
--          every dimension, leads, qualified, won.
CREATE OR REPLACE TABLE lead_source_days AS
WITH daily AS (
    SELECT
        CAST(created_at AS DATE) AS day,
        coalesce(source, 'not recorded') AS source,
        {dims},
        count(*) AS leads,
        sum(CASE WHEN qualified THEN 1 ELSE 0 END) AS qualified,
        sum(CASE WHEN won THEN 1 ELSE 0 END) AS won
    FROM lead_outcomes
    GROUP BY CAST(created_at AS DATE), coalesce(source, 'not recorded'), {dims}
),

spans AS (
    SELECT 'day' AS grain, day, source, {dims}, leads, qualified, won
    FROM daily
    WHERE day IS NOT NULL
    UNION ALL
    SELECT 'month' AS grain, CAST(date_trunc('month', day) AS DATE) AS day, source, {dims},
        sum(leads), sum(qualified), sum(won)
    FROM daily
    GROUP BY CAST(date_trunc('month', day) AS DATE), source, {dims}
)

SELECT
    grain, day, CAST(date_trunc('month', day) AS DATE) AS month, last_day(day) AS month_end,
    source, {dims},
    CAST(leads AS BIGINT) AS leads,
    CAST(qualified AS BIGINT) AS qualified,
    CAST(won AS BIGINT) AS won
FROM spans
ORDER BY grain, day;

-- lead_customer_days: the revenue by order day of the customers leads became, so "the
-- revenue of the customers they became" reads these customers' days, not every order.
-- Grain: customer x order day. Parameters: none.
-- Columns: customer_id, day, revenue.
CREATE OR REPLACE TABLE lead_customer_days AS
SELECT o.customer_id, CAST(o.ordered_at AS DATE) AS day, sum(o.revenue) AS revenue
FROM orders AS o
WHERE o.customer_id IN (SELECT customer_id FROM lead_outcomes WHERE customer_id IS NOT NULL)
GROUP BY o.customer_id, CAST(o.ordered_at AS DATE)
ORDER BY o.customer_id, day;

-- lead_customer_totals: lead_customer_days summed per customer (every order), for a range
-- that ends on or after the last order.
-- Grain: customer. Parameters: none. Columns: customer_id, revenue.
CREATE OR REPLACE TABLE lead_customer_totals AS
SELECT customer_id, sum(revenue) AS revenue
FROM lead_customer_days
GROUP BY customer_id
ORDER BY customer_id;
