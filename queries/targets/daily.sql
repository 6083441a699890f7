-- Question: day by day and channel, what did the business spend, earn, bring in and win?
-- Grain: one row per day and channel with any activity between $start and $end.
-- Parameters: $start, $end (DATE, inclusive), the dimensions' filters except $kind (the
--             caller picks a kind: the online share needs both), $lookback_days (INTEGER;
--             touchpoints that count for last-touch revenue).
-- Filters mean what they mean on each measure's own page, as in weekly/measures: spend,
-- revenue, leads and new customers select campaigns; deals won select leads.
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
    GROUP BY ALL
),

credited AS (
    SELECT
        CAST(p.ordered_at AS DATE) AS day,
        cc.channel,
        cc.kind,
        sum(p.sign * p.revenue * credit_share('last', p.step, p.steps, p.decay, p.decay_total))
            AS revenue
    FROM order_paths($start, $end, $lookback_days) AS p
    INNER JOIN cc ON p.campaign_id = cc.campaign_id
    GROUP BY ALL
),

created AS (
    SELECT CAST(l.created_at AS DATE) AS day, cc.channel, cc.kind, count(*) AS leads
    FROM lead_facts AS l
    INNER JOIN cc ON l.campaign_id = cc.campaign_id
    WHERE l.created_at >= $start AND l.created_at < CAST($end AS DATE) + INTERVAL 1 DAY
    GROUP BY ALL
),

acquired AS (
    SELECT CAST(c.acquired_at AS DATE) AS day, cc.channel, cc.kind, count(*) AS new_customers
    FROM customer_facts AS c
    INNER JOIN cc ON c.campaign_id = cc.campaign_id
    WHERE c.acquired_at >= $start AND c.acquired_at < CAST($end AS DATE) + INTERVAL 1 DAY
    GROUP BY ALL
),

won AS (
    SELECT CAST(entered_at AS DATE) AS day, channel, kind, count(*) AS deals_won
    FROM lead_stage_entries
    WHERE position = (SELECT max(position) FROM stage_positions)
      AND entered_at >= $start AND entered_at < CAST($end AS DATE) + INTERVAL 1 DAY
      AND {picked:lead::-kind}
    GROUP BY ALL
),

keys AS (
    SELECT day, channel, kind FROM spent
    UNION SELECT day, channel, kind FROM credited
    UNION SELECT day, channel, kind FROM created
    UNION SELECT day, channel, kind FROM acquired
    UNION SELECT day, channel, kind FROM won
)

SELECT
    k.day,
    k.channel,
    k.kind,
    coalesce(s.spend, 0) AS spend,
    coalesce(r.revenue, 0) AS revenue,
    coalesce(l.leads, 0) AS leads,
    coalesce(a.new_customers, 0) AS new_customers,
    coalesce(d.deals_won, 0) AS deals_won
FROM keys AS k
LEFT JOIN spent AS s USING (day, channel, kind)
LEFT JOIN credited AS r USING (day, channel, kind)
LEFT JOIN created AS l USING (day, channel, kind)
LEFT JOIN acquired AS a USING (day, channel, kind)
LEFT JOIN won AS d USING (day, channel, kind)
ORDER BY k.day, k.channel;
