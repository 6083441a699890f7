-- Question: week by week, what did the business spend, earn, win and keep? (measures.sql's
-- answer from the rollups' day rows and buyer_weeks, for the stored 30-day lookback: other
-- lookbacks read measures.sql.)
-- Grain: one row per ISO week (Monday) with any activity between $start and $end.
-- Parameters: $start, $end (DATE, inclusive; Mondays and Sundays of whole weeks), the
--             dimensions' filters.
-- Filters mean what they mean on each measure's own page (see measures.sql).
-- Columns: week, spend, online_spend, all_spend, revenue, leads, new_customers, deals_won,
--          buyers (customers with an order in the week).
WITH cc AS (
    SELECT campaign_id, kind
    FROM campaign_channels
    WHERE {picked:campaign::-kind}
),

shown AS (
    SELECT campaign_id FROM cc WHERE {picked:channel::+kind}
),

spent AS (
    SELECT
        date_trunc('week', s.date) AS week,
        sum(s.amount) FILTER (WHERE {picked:channel:cc:+kind}) AS spend,
        sum(s.amount) FILTER (WHERE cc.kind = 'online') AS online_spend,
        sum(s.amount) AS all_spend
    FROM spend AS s
    INNER JOIN cc ON s.campaign_id = cc.campaign_id
    WHERE s.date BETWEEN $start AND $end
    GROUP BY ALL
),

credited AS (
    -- last-touch revenue, as Channel ROI credits it by default
    SELECT date_trunc('week', day) AS week, sum(revenue) AS revenue
    FROM campaign_credits
    WHERE grain = 'day' AND model = 'last' AND day BETWEEN $start AND $end
      AND campaign_id IN (SELECT campaign_id FROM shown)
    GROUP BY date_trunc('week', day)
),

counted AS (
    SELECT
        date_trunc('week', day) AS week,
        sum(leads) AS leads,
        sum(new_customers) AS new_customers
    FROM campaign_days
    WHERE grain = 'day' AND day BETWEEN $start AND $end
      AND campaign_id IN (SELECT campaign_id FROM shown)
    GROUP BY date_trunc('week', day)
),

won AS (
    SELECT date_trunc('week', day) AS week, sum(deals_won) AS deals_won
    FROM won_days
    WHERE day BETWEEN $start AND $end AND {picked:lead}
    GROUP BY date_trunc('week', day)
),

active AS (
    SELECT week, sum(buyers) AS buyers
    FROM buyer_weeks
    WHERE week BETWEEN $start AND $end AND {picked:customer}
    GROUP BY week
),

weeks AS (
    SELECT week FROM spent
    UNION SELECT week FROM credited
    UNION SELECT week FROM counted WHERE leads > 0
    UNION SELECT week FROM counted WHERE new_customers > 0
    UNION SELECT week FROM won
    UNION SELECT week FROM active
)

SELECT
    CAST(w.week AS DATE) AS week,
    coalesce(s.spend, 0) AS spend,
    coalesce(s.online_spend, 0) AS online_spend,
    coalesce(s.all_spend, 0) AS all_spend,
    coalesce(r.revenue, 0) AS revenue,
    CAST(coalesce(n.leads, 0) AS BIGINT) AS leads,
    CAST(coalesce(n.new_customers, 0) AS BIGINT) AS new_customers,
    CAST(coalesce(d.deals_won, 0) AS BIGINT) AS deals_won,
    CAST(coalesce(c.buyers, 0) AS BIGINT) AS buyers
FROM weeks AS w
LEFT JOIN spent AS s ON w.week = s.week
LEFT JOIN credited AS r ON w.week = r.week
LEFT JOIN counted AS n ON w.week = n.week
LEFT JOIN won AS d ON w.week = d.week
LEFT JOIN active AS c ON w.week = c.week
ORDER BY w.week;
