-- Build: the rollups of Channel ROI, the attribution models, the weekly review and the
-- targets' daily actuals (pitwall/rollups.py: 'day' and 'month' rows), so they read tables
-- whose size does not grow with orders, leads or touches. Campaigns carry the filter
-- dimensions (campaign_channels), so rows keyed by campaign are filtered by joining it.
-- Macros used (00_macros.sql): credit_share. Attribution is stored for the 30-day lookback
-- only (path_corrections_30); other lookbacks read the detail (views.py). campaign_credits
-- comes last: DuckDB binds parameters in a script's last statement only.
-- campaign_days: leads created and customers acquired per campaign (NULL: none), by day.
-- Those without a date are one 'month' row with NULL days, which only all history reads
-- (as the detail counts them: no date passes a bound).
-- Grain: grain x day x campaign_id. Parameters: none.
-- Columns: grain, day, month, month_end, campaign_id, leads, new_customers.
CREATE OR REPLACE TABLE campaign_days AS
WITH events AS (
    SELECT CAST(created_at AS DATE) AS day, campaign_id, 1 AS leads, 0 AS new_customers
    FROM lead_facts
    UNION ALL
    SELECT CAST(acquired_at AS DATE) AS day, campaign_id, 0 AS leads, 1 AS new_customers
    FROM customer_facts
),

daily AS (
    SELECT day, campaign_id, sum(leads) AS leads, sum(new_customers) AS new_customers
    FROM events
    GROUP BY day, campaign_id
),

spans AS (
    SELECT 'day' AS grain, day, campaign_id, leads, new_customers
    FROM daily
    WHERE day IS NOT NULL
    UNION ALL
    SELECT
        'month' AS grain, CAST(date_trunc('month', day) AS DATE) AS day, campaign_id,
        sum(leads) AS leads, sum(new_customers) AS new_customers
    FROM daily
    GROUP BY CAST(date_trunc('month', day) AS DATE), campaign_id
)

SELECT
    grain, day, CAST(date_trunc('month', day) AS DATE) AS month, last_day(day) AS month_end,
    campaign_id, CAST(leads AS BIGINT) AS leads, CAST(new_customers AS BIGINT) AS new_customers
FROM spans
ORDER BY grain, day;

-- order_days: the revenue of every order, by day (what no filter narrows: the unattributed
-- share's whole).
-- Grain: grain x day. Parameters: none. Columns: grain, day, month, month_end, revenue.
CREATE OR REPLACE TABLE order_days AS
WITH daily AS (
    SELECT CAST(ordered_at AS DATE) AS day, sum(revenue) AS revenue
    FROM orders
    GROUP BY CAST(ordered_at AS DATE)
),

spans AS (
    SELECT 'day' AS grain, day, revenue FROM daily
    UNION ALL
    SELECT 'month' AS grain, CAST(date_trunc('month', day) AS DATE) AS day, sum(revenue)
    FROM daily
    GROUP BY CAST(date_trunc('month', day) AS DATE)
)

SELECT
    grain, day, CAST(date_trunc('month', day) AS DATE) AS month, last_day(day) AS month_end,
    revenue
FROM spans
ORDER BY grain, day;

-- won_days: deals won (leads first entering the last funnel stage), by the day they won.
-- Only 'day' rows: the weekly review and the targets read days.
-- Grain: day x every dimension (the lead's). Parameters: none.
-- Columns: day, every dimension, deals_won.
CREATE OR REPLACE TABLE won_days AS
SELECT CAST(entered_at AS DATE) AS day, {dims}, CAST(count(*) AS BIGINT) AS deals_won
FROM lead_stage_entries
WHERE position = (SELECT max(position) FROM stage_positions)
GROUP BY CAST(entered_at AS DATE), {dims}
ORDER BY day;

-- buyer_weeks: customers with an order in each ISO week (Monday), by the customer's
-- dimensions. A customer has one value of each dimension, so the counts add up across
-- values: any filter's distinct buyers of a week are a sum of these rows.
-- Grain: week x every dimension (the customer's). Parameters: none.
-- Columns: week, every dimension, buyers.
CREATE OR REPLACE TABLE buyer_weeks AS
WITH weekly AS (
    SELECT DISTINCT CAST(date_trunc('week', ordered_at) AS DATE) AS week, customer_id
    FROM orders
)

SELECT w.week, {dims:of:cf}, CAST(count(*) AS BIGINT) AS buyers
FROM weekly AS w
INNER JOIN customer_facts AS cf ON w.customer_id = cf.customer_id
GROUP BY w.week, {dims:of:cf}
ORDER BY w.week;

-- campaign_credits: the revenue, margin and orders each model of $models credits to each
-- campaign (NULL: an order without a campaign or a touch), by the order's day. The paths are
-- order_paths(NULL, NULL, 30) written out: each order whole to its own campaign (summed per
-- day and campaign before the models: its share is 1 under each), plus the stored
-- corrections of the orders with touches.
-- Grain: grain x day x campaign_id x model. Parameters: $models (VARCHAR[]).
-- Columns: grain, day, month, month_end, campaign_id, model, revenue (credited), orders
--          (credited shares), gross_margin (credited, over rows with a non-zero share;
--          NULL when none carries one), margin_rows (path rows carrying a margin, any share).
CREATE OR REPLACE TABLE campaign_credits AS
WITH plain AS (
    -- each order whole to its own campaign: a share of 1 under every model, so summed once
    SELECT
        CAST(ordered_at AS DATE) AS day,
        campaign_id,
        sum(revenue) AS revenue,
        CAST(count(*) AS DOUBLE) AS orders,
        sum(gross_margin) AS gross_margin,
        count(gross_margin) AS margin_rows
    FROM orders
    GROUP BY CAST(ordered_at AS DATE), campaign_id
),

models AS (
    SELECT unnest($models) AS model
),

shares AS (
    SELECT
        CAST(p.ordered_at AS DATE) AS day,
        p.campaign_id,
        m.model,
        p.revenue,
        p.gross_margin,
        p.sign * credit_share(m.model, p.step, p.steps, p.decay, p.decay_total) AS share
    FROM path_corrections_30 AS p
    CROSS JOIN models AS m
),

parts AS (
    SELECT p.day, p.campaign_id, m.model, p.revenue, p.orders, p.gross_margin, p.margin_rows
    FROM plain AS p
    CROSS JOIN models AS m
    UNION ALL
    SELECT
        day,
        campaign_id,
        model,
        sum(share * revenue) AS revenue,
        sum(share) AS orders,
        sum(CASE WHEN share <> 0 THEN share * gross_margin END) AS gross_margin,
        count(gross_margin) AS margin_rows
    FROM shares
    GROUP BY day, campaign_id, model
),

daily AS (
    SELECT
        day,
        campaign_id,
        model,
        sum(revenue) AS revenue,
        sum(orders) AS orders,
        sum(gross_margin) AS gross_margin,
        sum(margin_rows) AS margin_rows
    FROM parts
    GROUP BY day, campaign_id, model
),

spans AS (
    SELECT 'day' AS grain, day, campaign_id, model, revenue, orders, gross_margin, margin_rows
    FROM daily
    UNION ALL
    SELECT
        'month' AS grain, CAST(date_trunc('month', day) AS DATE) AS day, campaign_id, model,
        sum(revenue) AS revenue, sum(orders) AS orders, sum(gross_margin) AS gross_margin,
        sum(margin_rows) AS margin_rows
    FROM daily
    GROUP BY CAST(date_trunc('month', day) AS DATE), campaign_id, model
)

SELECT
    grain, day, CAST(date_trunc('month', day) AS DATE) AS month, last_day(day) AS month_end,
    campaign_id, model, revenue, orders, gross_margin, CAST(margin_rows AS BIGINT) AS margin_rows
FROM spans
ORDER BY grain, day;
