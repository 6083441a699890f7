-- Question: how much revenue in the range does $model credit to no channel? (unattributed.sql's
-- answer from the rollups, for the stored 30-day lookback: other lookbacks read
-- unattributed.sql.)
-- Grain: one row. Parameters: $start, $end (DATE, inclusive, NULL = open), $model (VARCHAR).
-- Columns: orders (the orders so credited, in shares), revenue (the revenue credited to no
--          channel), total_revenue (of every order in the range).
WITH loose AS (
    SELECT c.orders, c.revenue
    FROM campaign_credits AS c
    LEFT JOIN campaign_channels AS cc ON c.campaign_id = cc.campaign_id
    WHERE cc.campaign_id IS NULL AND c.model = $model AND {span:c}
)

SELECT
    coalesce(round(sum(orders), 9), 0) AS orders,
    coalesce(sum(revenue), 0) AS revenue,
    (SELECT coalesce(sum(revenue), 0) FROM order_days WHERE {span}) AS total_revenue
FROM loose;
