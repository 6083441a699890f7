-- Question: how much revenue in the range has no campaign to credit (last touch)?
-- Grain: one row. Parameters: $start, $end (DATE, inclusive, NULL = open).
-- Columns: orders, revenue (orders without a campaign, or whose campaign has no channel).
SELECT count(*) AS orders, coalesce(sum(o.revenue), 0) AS revenue
FROM orders AS o
LEFT JOIN campaign_channels AS cc ON o.campaign_id = cc.campaign_id
WHERE cc.campaign_id IS NULL
  AND ($start IS NULL OR o.ordered_at >= $start)
  AND ($end IS NULL OR o.ordered_at < CAST($end AS DATE) + INTERVAL 1 DAY);
