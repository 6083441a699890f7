-- Build: one row per customer with acquisition date, cohort and acquisition channel.
-- Customers missing from `customers` (or all of them, when it is not loaded) are derived
-- from their orders: acquired at their first order, by that order's campaign.
-- A listed customer without acquired_at takes the date of their first order, and that
-- order's campaign too unless `customers` names one.
-- Grain: one row per customer. Parameters: none.
-- Columns: customer_id, acquired_at, cohort_month, campaign_id, channel, kind, segment,
--          region, listed (true when the customer is in `customers`), first_order_at.
CREATE OR REPLACE TABLE customer_facts AS
WITH first_orders AS (
    SELECT
        customer_id,
        min(ordered_at) AS first_order_at,
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
        c.segment,
        c.region,
        TRUE AS listed,
        f.first_order_at
    FROM customers AS c
    LEFT JOIN first_orders AS f ON c.customer_id = f.customer_id
    UNION ALL
    SELECT
        f.customer_id,
        f.first_order_at,
        f.first_campaign_id,
        NULL,
        NULL,
        FALSE,
        f.first_order_at
    FROM first_orders AS f
    WHERE NOT EXISTS (SELECT 1 FROM customers AS c WHERE c.customer_id = f.customer_id)
)

SELECT
    e.customer_id,
    e.acquired_at,
    CAST(date_trunc('month', e.acquired_at) AS DATE) AS cohort_month,
    e.campaign_id,
    cc.channel,
    cc.kind,
    coalesce(e.segment, cc.segment) AS segment,
    coalesce(e.region, cc.region) AS region,
    e.listed,
    e.first_order_at
FROM everyone AS e
LEFT JOIN campaign_channels AS cc ON e.campaign_id = cc.campaign_id
ORDER BY e.acquired_at;
