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

rows AS (
    -- every source's rows in one list, summed once below (cheaper to plan and run than one
    -- aggregate per source joined on the keys); a key is there when any source has a row
    SELECT
        s.date AS day,
        CASE WHEN {picked:channel:cc:+kind} THEN s.amount END AS spend,
        CASE WHEN cc.kind = 'online' THEN s.amount END AS online_spend,
        s.amount AS all_spend,
        NULL AS revenue, NULL AS leads, NULL AS new_customers, NULL AS deals_won,
        NULL AS buyers
    FROM spend AS s
    INNER JOIN cc ON s.campaign_id = cc.campaign_id
    WHERE s.date BETWEEN $start AND $end
    UNION ALL
    -- last-touch revenue, as Channel ROI credits it by default
    SELECT day, NULL, NULL, NULL, revenue, NULL, NULL, NULL, NULL
    FROM campaign_credits
    WHERE grain = 'day' AND model = 'last' AND day BETWEEN $start AND $end
      AND campaign_id IN (SELECT campaign_id FROM shown)
    UNION ALL
    SELECT day, NULL, NULL, NULL, NULL, leads, new_customers, NULL, NULL
    FROM campaign_days
    WHERE grain = 'day' AND day BETWEEN $start AND $end AND (leads > 0 OR new_customers > 0)
      AND campaign_id IN (SELECT campaign_id FROM shown)
    UNION ALL
    SELECT day, NULL, NULL, NULL, NULL, NULL, NULL, deals_won, NULL
    FROM won_days
    WHERE day BETWEEN $start AND $end AND {picked:lead}
    UNION ALL
    SELECT week, NULL, NULL, NULL, NULL, NULL, NULL, NULL, buyers
    FROM buyer_weeks
    WHERE week BETWEEN $start AND $end AND {picked:customer}
)

SELECT
    CAST(date_trunc('week', day) AS DATE) AS week,
    coalesce(sum(spend), 0) AS spend,
    coalesce(sum(online_spend), 0) AS online_spend,
    coalesce(sum(all_spend), 0) AS all_spend,
    coalesce(sum(revenue), 0) AS revenue,
    CAST(coalesce(sum(leads), 0) AS BIGINT) AS leads,
    CAST(coalesce(sum(new_customers), 0) AS BIGINT) AS new_customers,
    CAST(coalesce(sum(deals_won), 0) AS BIGINT) AS deals_won,
    CAST(coalesce(sum(buyers), 0) AS BIGINT) AS buyers
FROM rows
GROUP BY date_trunc('week', day)
ORDER BY week;
