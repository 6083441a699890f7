-- Build: SQL macros shared by several queries, so each rule is written once.
-- budget_in_range: a month's budget counted for the days of the month inside [s, e]
-- (NULL bounds are open), so a month cut by a date range gets its share by days.
CREATE OR REPLACE MACRO budget_in_range(amount, month, s, e) AS
    amount
    * (datediff(
        'day',
        greatest(month, coalesce(s, month)),
        least(last_day(month), coalesce(e, last_day(month)))
    ) + 1)
    / day(last_day(month));

-- path_corrections: how attribution paths change the plain rule "each order whole to its own
-- campaign", for orders placed in [s, e] (inclusive days, NULL = open) that have at least one
-- touchpoint in their lookback. For each such order: its plain row negated (sign -1), then
-- its path, one row per touch (sign 1). The path is the customer's touchpoints from
-- ordered_at - lookback_days to ordered_at (both inclusive), oldest first (ties by
-- campaign_id); the order's own campaign is appended at ordered_at unless it is already the
-- last touch. Most orders have no touch: leaving them out keeps this small and fast.
-- Columns: ordered_at, revenue, gross_margin, campaign_id, step (1-based), steps, decay
--          (2^(-days before the order / 7)), decay_total (over the path), sign.
CREATE OR REPLACE MACRO path_corrections(s, e, lookback_days) AS TABLE
WITH o AS (
    SELECT order_id, customer_id, ordered_at, revenue, gross_margin, campaign_id
    FROM orders
    WHERE (s IS NULL OR ordered_at >= s)
      AND (e IS NULL OR ordered_at < CAST(e AS DATE) + INTERVAL 1 DAY)
),

nearby AS (
    -- touchpoints that can be on the path of an order in range (skips most of the table)
    SELECT customer_id, touched_at, campaign_id
    FROM touchpoints
    WHERE (s IS NULL OR touched_at >= CAST(s AS TIMESTAMP) - to_days(CAST(lookback_days AS INTEGER)))
      AND (e IS NULL OR touched_at < CAST(e AS DATE) + INTERVAL 1 DAY)
),

touches AS (
    SELECT
        o.order_id,
        o.ordered_at,
        o.revenue,
        o.gross_margin,
        o.campaign_id AS own_campaign,
        t.campaign_id,
        pow(2, -(epoch(o.ordered_at - t.touched_at) / 86400.0) / 7) AS decay,
        CAST(row_number() OVER w AS INTEGER) AS step,
        CAST(count(*) OVER p AS INTEGER) AS touches,
        sum(pow(2, -(epoch(o.ordered_at - t.touched_at) / 86400.0) / 7)) OVER p AS touch_decay,
        last_value(t.campaign_id) OVER (
            w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS last_campaign
    FROM o
    INNER JOIN nearby AS t
        ON o.customer_id = t.customer_id
        AND t.touched_at <= o.ordered_at
        AND t.touched_at >= o.ordered_at - to_days(CAST(lookback_days AS INTEGER))
    WINDOW
        p AS (PARTITION BY o.order_id),
        w AS (PARTITION BY o.order_id ORDER BY t.touched_at, t.campaign_id)
),

flagged AS (
    SELECT
        *,
        CAST(own_campaign IS NOT NULL AND own_campaign IS DISTINCT FROM last_campaign AS INTEGER)
            AS appended
    FROM touches
)

SELECT
    ordered_at, revenue, gross_margin, campaign_id, step, touches + appended AS steps,
    decay, touch_decay + appended AS decay_total, 1 AS sign
FROM flagged
UNION ALL
SELECT
    ordered_at, revenue, gross_margin, own_campaign, touches + 1, touches + 1,
    1.0, touch_decay + 1, 1
FROM flagged
WHERE appended = 1 AND step = 1
UNION ALL
SELECT ordered_at, revenue, gross_margin, own_campaign, 1, 1, 1.0, 1.0, -1
FROM flagged
WHERE step = 1;

-- credit_share: the share of an order's revenue that one touch of its path gets under an
-- attribution model (last, first, linear, position, time_decay); shares of a path sum to 1.
-- Queries weigh each row by sign * credit_share (see order_paths).
CREATE OR REPLACE MACRO credit_share(model, step, steps, decay, decay_total) AS
    CASE model
        WHEN 'last' THEN CAST(step = steps AS DOUBLE)
        WHEN 'first' THEN CAST(step = 1 AS DOUBLE)
        WHEN 'linear' THEN 1.0 / steps
        WHEN 'position' THEN
            CASE
                WHEN steps <= 2 THEN 1.0 / steps
                WHEN step = 1 OR step = steps THEN 0.4
                ELSE 0.2 / (steps - 2)
            END
        WHEN 'time_decay' THEN decay / decay_total
    END;

-- months_since: whole months from a to b (a + that many months <= b), as a calendar counts
-- them: 2025-01-31 to 2025-02-28 is one month.
CREATE OR REPLACE MACRO months_since(a, b) AS
    datediff('month', a, b)
    - CASE WHEN a + to_months(CAST(datediff('month', a, b) AS INTEGER)) > b THEN 1 ELSE 0 END;
