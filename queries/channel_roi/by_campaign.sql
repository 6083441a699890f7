-- Question: what does each campaign cost and return in the date range?
-- Grain: one row per campaign with any spend, attributed revenue, lead or new customer.
-- Attribution: $model over each order's path (order_paths, built in build/00_macros.sql);
-- `last` without touchpoints is the order's own campaign.
-- Parameters: $start, $end (DATE, inclusive, NULL = open), the dimensions' filters ($channels,
--             $kind, $segment, $region: they select campaigns), $model (VARCHAR),
--             $lookback_days (INTEGER).
-- Columns: channel, kind, channel_group, campaign_id, campaign_name, spend, revenue,
--          gross_margin, orders (credited shares of orders), leads, new_customers.
WITH cc AS (
    SELECT * FROM campaign_channels WHERE {picked:campaign}
),

spent AS (
    SELECT campaign_id, sum(amount) AS spend
    FROM spend
    WHERE ($start IS NULL OR date >= $start) AND ($end IS NULL OR date <= $end)
    GROUP BY campaign_id
),

shares AS (
    SELECT
        campaign_id,
        revenue,
        gross_margin,
        sign * credit_share($model, step, steps, decay, decay_total) AS share
    FROM order_paths($start, $end, $lookback_days)
    WHERE campaign_id IS NOT NULL
),

credited AS (
    -- a campaign whose plain credit its paths took back entirely is not credited
    SELECT
        campaign_id,
        sum(share * revenue) AS revenue,
        sum(share * gross_margin) AS gross_margin,
        sum(share) AS orders
    FROM shares
    WHERE share <> 0
    GROUP BY campaign_id
    HAVING abs(sum(share)) > 1e-9
),

created AS (
    SELECT campaign_id, count(*) AS leads
    FROM lead_facts
    WHERE ($start IS NULL OR created_at >= $start)
      AND ($end IS NULL OR created_at < CAST($end AS DATE) + INTERVAL 1 DAY)
    GROUP BY campaign_id
),

acquired AS (
    SELECT campaign_id, count(*) AS new_customers
    FROM customer_facts
    WHERE ($start IS NULL OR acquired_at >= $start)
      AND ($end IS NULL OR acquired_at < CAST($end AS DATE) + INTERVAL 1 DAY)
    GROUP BY campaign_id
)

SELECT
    cc.channel,
    cc.kind,
    cc.channel_group,
    cc.campaign_id,
    cc.campaign_name,
    coalesce(s.spend, 0) AS spend,
    coalesce(r.revenue, 0) AS revenue,
    r.gross_margin,
    coalesce(r.orders, 0) AS orders,
    coalesce(l.leads, 0) AS leads,
    coalesce(a.new_customers, 0) AS new_customers
FROM cc
LEFT JOIN spent AS s ON cc.campaign_id = s.campaign_id
LEFT JOIN credited AS r ON cc.campaign_id = r.campaign_id
LEFT JOIN created AS l ON cc.campaign_id = l.campaign_id
LEFT JOIN acquired AS a ON cc.campaign_id = a.campaign_id
WHERE s.campaign_id IS NOT NULL OR r.campaign_id IS NOT NULL
   OR l.campaign_id IS NOT NULL OR a.campaign_id IS NOT NULL
ORDER BY cc.channel, cc.campaign_id;
