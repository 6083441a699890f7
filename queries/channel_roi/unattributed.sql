-- Question: how much revenue in the range does $model credit to no channel?
-- Grain: one row. Parameters: $start, $end (DATE, inclusive, NULL = open), $model (VARCHAR),
--        $lookback_days (INTEGER).
-- Columns: orders (orders with an empty path, or whose credit lands on a campaign without a
--          channel), revenue (the revenue so credited to nobody).
WITH loose AS (
    SELECT
        p.order_id,
        p.revenue * credit_share($model, p.step, p.steps, p.decay, p.decay_total) AS revenue
    FROM order_paths($start, $end, $lookback_days) AS p
    LEFT JOIN campaign_channels AS cc ON p.campaign_id = cc.campaign_id
    WHERE cc.campaign_id IS NULL
      AND credit_share($model, p.step, p.steps, p.decay, p.decay_total) > 0
)

SELECT count(DISTINCT order_id) AS orders, coalesce(sum(revenue), 0) AS revenue
FROM loose;
