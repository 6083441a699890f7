-- Question: where does the revenue that $model credits to no channel come from?
-- (unattributed_reasons.sql's answer from the rollups, for the stored 30-day lookback:
-- other lookbacks read unattributed_reasons.sql.)
-- Grain: one row per reason with such revenue.
-- Parameters: $start, $end (DATE, inclusive, NULL = open), $model (VARCHAR).
-- Columns: reason (no_campaign, no_channel: see unattributed_reasons.sql), orders (in
--          shares), revenue.
WITH loose AS (
    SELECT
        CASE WHEN c.campaign_id IS NULL THEN 'no_campaign' ELSE 'no_channel' END AS reason,
        c.orders,
        c.revenue
    FROM campaign_credits AS c
    LEFT JOIN campaign_channels AS cc ON c.campaign_id = cc.campaign_id
    WHERE cc.campaign_id IS NULL AND c.model = $model AND {span:c}
)

SELECT reason, round(sum(orders), 9) AS orders, sum(revenue) AS revenue
FROM loose
GROUP BY reason
HAVING abs(sum(orders)) > 1e-9
ORDER BY reason;
