-- Question: what does each campaign cost and return in the date range? (by_campaign.sql's
-- answer from the rollups, for the stored 30-day lookback: other lookbacks read
-- by_campaign.sql.)
-- Grain: one row per campaign with any spend, attributed revenue, lead or new customer.
-- Parameters: $start, $end (DATE, inclusive, NULL = open), the dimensions' filters (they
--             select campaigns), $model (VARCHAR).
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

credited AS (
    -- a campaign whose plain credit its paths took back entirely is not credited
    SELECT
        campaign_id,
        sum(revenue) AS revenue,
        sum(gross_margin) AS gross_margin,
        sum(orders) AS orders
    FROM campaign_credits
    WHERE model = $model AND campaign_id IS NOT NULL AND {span}
    GROUP BY campaign_id
    HAVING abs(sum(orders)) > 1e-9
),

counted AS (
    SELECT campaign_id, sum(leads) AS leads, sum(new_customers) AS new_customers
    FROM campaign_days
    WHERE campaign_id IS NOT NULL AND {span}
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
    CAST(coalesce(n.leads, 0) AS BIGINT) AS leads,
    CAST(coalesce(n.new_customers, 0) AS BIGINT) AS new_customers
FROM cc
LEFT JOIN spent AS s ON cc.campaign_id = s.campaign_id
LEFT JOIN credited AS r ON cc.campaign_id = r.campaign_id
LEFT JOIN counted AS n ON cc.campaign_id = n.campaign_id
WHERE s.campaign_id IS NOT NULL OR r.campaign_id IS NOT NULL
   OR n.leads > 0 OR n.new_customers > 0
ORDER BY cc.channel, cc.campaign_id;
