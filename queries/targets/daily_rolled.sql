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

spent AS (
    SELECT s.date AS day, cc.channel, cc.kind, sum(s.amount) AS spend
    FROM spend AS s
    INNER JOIN cc ON s.campaign_id = cc.campaign_id
    WHERE s.date BETWEEN $start AND $end
    GROUP BY s.date, cc.channel, cc.kind
),

credited AS (
    SELECT c.day, cc.channel, cc.kind, sum(c.revenue) AS revenue
    FROM campaign_credits AS c
    INNER JOIN cc ON c.campaign_id = cc.campaign_id
    WHERE c.grain = 'day' AND c.model = 'last' AND c.day BETWEEN $start AND $end
    GROUP BY c.day, cc.channel, cc.kind
),

counted AS (
    SELECT
        n.day, cc.channel, cc.kind,
        sum(n.leads) AS leads,
        sum(n.new_customers) AS new_customers
    FROM campaign_days AS n
    INNER JOIN cc ON n.campaign_id = cc.campaign_id
    WHERE n.grain = 'day' AND n.day BETWEEN $start AND $end
    GROUP BY n.day, cc.channel, cc.kind
),

won AS (
    SELECT day, channel, kind, sum(deals_won) AS deals_won
    FROM won_days
    WHERE day BETWEEN $start AND $end AND {picked:lead::-kind}
    GROUP BY day, channel, kind
),

keys AS (
    SELECT day, channel, kind FROM spent
    UNION SELECT day, channel, kind FROM credited
    UNION SELECT day, channel, kind FROM counted WHERE leads > 0
    UNION SELECT day, channel, kind FROM counted WHERE new_customers > 0
    UNION SELECT day, channel, kind FROM won
)

SELECT
    k.day,
    k.channel,
    k.kind,
    coalesce(s.spend, 0) AS spend,
    coalesce(r.revenue, 0) AS revenue,
    CAST(coalesce(n.leads, 0) AS BIGINT) AS leads,
    CAST(coalesce(n.new_customers, 0) AS BIGINT) AS new_customers,
    CAST(coalesce(d.deals_won, 0) AS BIGINT) AS deals_won
FROM keys AS k
LEFT JOIN spent AS s USING (day, channel, kind)
LEFT JOIN credited AS r USING (day, channel, kind)
LEFT JOIN counted AS n USING (day, channel, kind)
LEFT JOIN won AS d USING (day, channel, kind)
ORDER BY k.day, k.channel;
