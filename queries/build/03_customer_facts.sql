-- Build: one row per customer with acquisition date, cohort and acquisition channel.
-- Customers missing from `customers` (or all of them, when it is not loaded) are derived
-- from their orders: acquired at their first order, by that order's campaign.
-- A listed customer without acquired_at takes the date of their first order, and that
-- order's campaign too unless `customers` names one.
-- Grain: one row per customer. Parameters: none.
-- Columns: customer_id, acquired_at, cohort_month, campaign_id, listed (true when the
--          customer is in `customers`), first_order_at, last_period (the last month since
--          the cohort month with an order, as retention counts periods; NULL without one), then every dimension
--          (pitwall/dimensions.py: the customer's own value, else its campaign's).
CREATE OR REPLACE TABLE customer_facts AS
WITH first_orders AS (
    SELECT
        customer_id,
        min(ordered_at) AS first_order_at,
        max(ordered_at) AS last_order_at,
        -- arg_min_null: the first order's campaign even when it has none (arg_min skips NULLs)
        arg_min_null(campaign_id, ordered_at) AS first_campaign_id
    FROM orders
    GROUP BY customer_id
),

everyone AS (
    SELECT
        c.customer_id,
        coalesce(c.acquired_at, f.first_order_at) AS acquired_at,
        CASE
            WHEN c.acquired_at IS NULL THEN coalesce(c.campaign_id, f.first_campaign_id)
            ELSE c.campaign_id
        END AS campaign_id,
        TRUE AS listed,
        f.first_order_at,
        f.last_order_at
    FROM customers AS c
    LEFT JOIN first_orders AS f ON c.customer_id = f.customer_id
    UNION ALL
    SELECT
        f.customer_id,
        f.first_order_at,
        f.first_campaign_id,
        FALSE,
        f.first_order_at,
        f.last_order_at
    FROM first_orders AS f
    WHERE NOT EXISTS (SELECT 1 FROM customers AS c WHERE c.customer_id = f.customer_id)
)

SELECT
    e.customer_id,
    e.acquired_at,
    CAST(date_trunc('month', e.acquired_at) AS DATE) AS cohort_month,
    e.campaign_id,
    e.listed,
    e.first_order_at,
    CASE WHEN e.last_order_at >= date_trunc('month', e.acquired_at) THEN
        CAST(datediff('month', e.acquired_at, e.last_order_at) AS INTEGER)
    END AS last_period,
    {dims:inherit:own:cc}
FROM everyone AS e
LEFT JOIN customers AS own ON e.customer_id = own.customer_id
LEFT JOIN campaign_channels AS cc ON e.campaign_id = cc.campaign_id
ORDER BY e.acquired_at;
