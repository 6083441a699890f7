-- Question: what do impressions and clicks cost, per campaign?
-- Grain: one row per campaign with spend in the date range.
-- Parameters: $start, $end (DATE, inclusive), the dimensions' filters (they select campaigns).
-- Columns: channel, kind, campaign_id, campaign_name, spend, impressions, clicks (NULL when
--          no spend row of the campaign carries them, never 0), impression_spend (spend of
--          rows carrying impressions), click_spend (of rows carrying clicks), paired_clicks
--          and paired_impressions (of rows carrying both: CTR's parts).
WITH cc AS (
    SELECT * FROM campaign_channels WHERE {picked:campaign}
)

SELECT
    cc.channel,
    cc.kind,
    cc.campaign_id,
    cc.campaign_name,
    sum(s.amount) AS spend,
    sum(s.impressions) AS impressions,
    sum(s.clicks) AS clicks,
    sum(s.amount) FILTER (WHERE s.impressions IS NOT NULL) AS impression_spend,
    sum(s.amount) FILTER (WHERE s.clicks IS NOT NULL) AS click_spend,
    sum(s.clicks) FILTER (WHERE s.impressions IS NOT NULL) AS paired_clicks,
    sum(s.impressions) FILTER (WHERE s.clicks IS NOT NULL) AS paired_impressions
FROM spend AS s
INNER JOIN cc ON s.campaign_id = cc.campaign_id
WHERE ($start IS NULL OR s.date >= $start) AND ($end IS NULL OR s.date <= $end)
GROUP BY ALL
ORDER BY cc.channel, cc.campaign_id;
