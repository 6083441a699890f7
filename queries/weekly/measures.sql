-- Question: week by week, what did the business spend, earn, win and keep?
-- Grain: one row per ISO week (Monday) with any activity between $start and $end.
-- Parameters: $start, $end (DATE, inclusive; Mondays and Sundays of whole weeks), the
--             dimensions' filters, $lookback_days (INTEGER; touchpoints that count for last-touch revenue).
-- Filters mean what they mean on each measure's own page: spend, revenue, leads and new
-- customers select campaigns (as Channel ROI); deals won select leads (as Funnel); active
-- customers select customers by their acquisition (as Cohorts). The online share counts
-- both kinds, whatever $kind says.
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
    SELECT
        date_trunc('week', ordered_at) AS week,
        sum(sign * revenue * credit_share('last', step, steps, decay, decay_total)) AS revenue
    FROM order_paths($start, $end, $lookback_days)
    WHERE campaign_id IN (SELECT campaign_id FROM shown)
    GROUP BY ALL
),

created AS (
    SELECT date_trunc('week', created_at) AS week, count(*) AS leads
    FROM lead_facts
    WHERE created_at >= $start AND created_at < CAST($end AS DATE) + INTERVAL 1 DAY
      AND campaign_id IN (SELECT campaign_id FROM shown)
    GROUP BY ALL
),

acquired AS (
    SELECT date_trunc('week', acquired_at) AS week, count(*) AS new_customers
    FROM customer_facts
    WHERE acquired_at >= $start AND acquired_at < CAST($end AS DATE) + INTERVAL 1 DAY
      AND campaign_id IN (SELECT campaign_id FROM shown)
    GROUP BY ALL
),

won AS (
    -- a deal is won when the lead first enters the last funnel stage
    SELECT date_trunc('week', entered_at) AS week, count(*) AS deals_won
    FROM lead_stage_entries
    WHERE position = (SELECT max(position) FROM stage_positions)
      AND entered_at >= $start AND entered_at < CAST($end AS DATE) + INTERVAL 1 DAY
      AND {picked:lead}
    GROUP BY ALL
),

active AS (
    SELECT date_trunc('week', o.ordered_at) AS week, count(DISTINCT o.customer_id)
        AS buyers
    FROM orders AS o
    INNER JOIN customer_facts AS cf ON o.customer_id = cf.customer_id
    WHERE o.ordered_at >= $start AND o.ordered_at < CAST($end AS DATE) + INTERVAL 1 DAY
      AND {picked:customer:cf}
    GROUP BY ALL
),

weeks AS (
    SELECT week FROM spent
    UNION SELECT week FROM credited
    UNION SELECT week FROM created
    UNION SELECT week FROM acquired
    UNION SELECT week FROM won
    UNION SELECT week FROM active
)

SELECT
    CAST(w.week AS DATE) AS week,
    coalesce(s.spend, 0) AS spend,
    coalesce(s.online_spend, 0) AS online_spend,
    coalesce(s.all_spend, 0) AS all_spend,
    coalesce(r.revenue, 0) AS revenue,
    coalesce(l.leads, 0) AS leads,
    coalesce(a.new_customers, 0) AS new_customers,
    coalesce(d.deals_won, 0) AS deals_won,
    coalesce(c.buyers, 0) AS buyers
FROM weeks AS w
LEFT JOIN spent AS s ON w.week = s.week
LEFT JOIN credited AS r ON w.week = r.week
LEFT JOIN created AS l ON w.week = l.week
LEFT JOIN acquired AS a ON w.week = a.week
LEFT JOIN won AS d ON w.week = d.week
LEFT JOIN active AS c ON w.week = c.week
ORDER BY w.week;
