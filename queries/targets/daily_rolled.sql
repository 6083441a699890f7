-- Question: day by day and channel, what did the business spend, earn, bring in and win?
-- (daily.sql's answer from the rollups' day rows, for the stored 30-day lookback: other
-- lookbacks read daily.sql.)
-- Grain: one row per day and channel with any activity between $start and $end.
-- Parameters: $start, $end (DATE, inclusive), the dimensions' filters except $kind (the
--             caller picks a kind: the online share needs both).
-- Filters mean what they mean on each measure's own page, as in weekly/measures.
-- Columns: day, channel, kind, spend, revenue, leads, new_customers, deals_won.
WITH cc AS (
    SELECT campaign_id, channel, kind
    FROM campaign_channels
    WHERE {picked:campaign::-kind}
),

rows AS (
    -- every source's rows in one list, summed once below (cheaper to plan and run than one
    -- aggregate per source joined on the keys); a key is there when any source has a row
    SELECT s.date AS day, cc.channel, cc.kind, s.amount AS spend, 0.0 AS revenue,
        0 AS leads, 0 AS new_customers, 0 AS deals_won
    FROM spend AS s
    INNER JOIN cc ON s.campaign_id = cc.campaign_id
    WHERE s.date BETWEEN $start AND $end
    UNION ALL
    SELECT c.day, cc.channel, cc.kind, 0.0, c.revenue, 0, 0, 0
    FROM campaign_credits AS c
    INNER JOIN cc ON c.campaign_id = cc.campaign_id
    WHERE c.grain = 'day' AND c.model = 'last' AND c.day BETWEEN $start AND $end
    UNION ALL
    SELECT n.day, cc.channel, cc.kind, 0.0, 0.0, n.leads, n.new_customers, 0
    FROM campaign_days AS n
    INNER JOIN cc ON n.campaign_id = cc.campaign_id
    WHERE n.grain = 'day' AND n.day BETWEEN $start AND $end
      AND (n.leads > 0 OR n.new_customers > 0)
    UNION ALL
    SELECT day, channel, kind, 0.0, 0.0, 0, 0, deals_won
    FROM won_days
    WHERE day BETWEEN $start AND $end AND {picked:lead::-kind}
)

SELECT
    day,
    channel,
    kind,
    sum(spend) AS spend,
    sum(revenue) AS revenue,
    CAST(sum(leads) AS BIGINT) AS leads,
    CAST(sum(new_customers) AS BIGINT) AS new_customers,
    CAST(sum(deals_won) AS BIGINT) AS deals_won
FROM rows
GROUP BY day, channel, kind
ORDER BY day, channel;
