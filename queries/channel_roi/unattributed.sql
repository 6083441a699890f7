-- Question: how much revenue in the range does $model credit to no channel?
-- Grain: one row. Parameters: $start, $end (DATE, inclusive, NULL = open), $model (VARCHAR),
--        $lookback_days (INTEGER).
-- Columns: orders (the orders so credited, in shares: an order credited half to no channel
--          counts 1/2), revenue (the revenue credited to no channel: orders with an empty
--          path, and shares on campaigns without a channel), total_revenue (of every order
--          in the range: the dimensions' filters do not apply to what no channel holds).
WITH loose AS (
    SELECT
        p.revenue,
        p.sign * credit_share($model, p.step, p.steps, p.decay, p.decay_total) AS share
    FROM order_paths($start, $end, $lookback_days) AS p
    LEFT JOIN campaign_channels AS cc ON p.campaign_id = cc.campaign_id
    WHERE cc.campaign_id IS NULL
)

SELECT
    coalesce(round(sum(share), 9), 0) AS orders,
    coalesce(sum(share * revenue), 0) AS revenue,
    (
        SELECT coalesce(sum(revenue), 0) FROM orders
        WHERE ($start IS NULL OR ordered_at >= $start)
          AND ($end IS NULL OR ordered_at < CAST($end AS DATE) + INTERVAL 1 DAY)
    ) AS total_revenue
FROM loose;
