-- Question: how much revenue does each attribution model credit to each channel?
-- (models.sql's answer from the rollups, for the stored 30-day lookback: other lookbacks
-- read models.sql.)
-- Grain: one row per channel and model with credited revenue (every model of $models).
-- Parameters: $start, $end (DATE, inclusive, NULL = open), the dimensions' filters (they
--             select campaigns), $models (VARCHAR[]).
-- Columns: channel, kind, model, revenue, gross_margin (NULL when no path row of the channel
--          carries a margin).
WITH cc AS (
    SELECT campaign_id, channel, kind
    FROM campaign_channels
    WHERE {picked:campaign}
)

SELECT
    cc.channel,
    cc.kind,
    c.model,
    sum(c.revenue) AS revenue,
    CASE WHEN sum(c.margin_rows) > 0 THEN coalesce(sum(c.gross_margin), 0) END AS gross_margin
FROM campaign_credits AS c
INNER JOIN cc ON c.campaign_id = cc.campaign_id
WHERE {span:c} AND c.model IN (SELECT unnest($models))
GROUP BY cc.channel, cc.kind, c.model
ORDER BY cc.channel, c.model;
