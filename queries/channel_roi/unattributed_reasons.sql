-- Question: where does the revenue that $model credits to no channel come from?
-- Grain: one row per reason with such revenue.
-- Parameters: $start, $end (DATE, inclusive, NULL = open), $model (VARCHAR),
--             $lookback_days (INTEGER).
-- Columns: reason (no_campaign: the order has no campaign and no touchpoint in the lookback
--          takes its share; no_channel: the share falls on a campaign without a channel in
--          `campaigns`/`channels`), orders (in shares), revenue.
WITH loose AS (
    SELECT
        CASE WHEN p.campaign_id IS NULL THEN 'no_campaign' ELSE 'no_channel' END AS reason,
        p.revenue,
        p.sign * credit_share($model, p.step, p.steps, p.decay, p.decay_total) AS share
    FROM order_paths($start, $end, $lookback_days) AS p
    LEFT JOIN campaign_channels AS cc ON p.campaign_id = cc.campaign_id
    WHERE cc.campaign_id IS NULL
)

SELECT reason, round(sum(share), 9) AS orders, sum(share * revenue) AS revenue
FROM loose
GROUP BY reason
HAVING abs(sum(share)) > 1e-9
ORDER BY reason;
