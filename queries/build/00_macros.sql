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

-- order_paths: every order placed in [s, e] (inclusive days, NULL = open) with its
-- attribution path, one row per touch. The path is the customer's touchpoints from
-- ordered_at - lookback_days to ordered_at (both inclusive), oldest first (ties by
-- campaign_id); the order's own campaign is appended at ordered_at unless it is already the
-- last touch. An empty path is one row with a NULL campaign, so every order keeps its revenue
-- in the sums (unattributed). Orders without touches skip the window functions.
-- Columns: order_id, ordered_at, revenue, gross_margin, campaign_id, step (1-based),
--          steps, decay (2^(-days before the order / 7)), decay_total (over the path).
CREATE OR REPLACE MACRO order_paths(s, e, lookback_days) AS TABLE
WITH o AS (
    SELECT order_id, customer_id, ordered_at, revenue, gross_margin, campaign_id
    FROM orders
    WHERE (s IS NULL OR ordered_at >= s)
      AND (e IS NULL OR ordered_at < CAST(e AS DATE) + INTERVAL 1 DAY)
),

touches AS (
    SELECT
        o.order_id,
        t.campaign_id,
        t.touched_at,
        pow(2, -(epoch(o.ordered_at - t.touched_at) / 86400.0) / 7) AS decay
    FROM o
    INNER JOIN touchpoints AS t
        ON o.customer_id = t.customer_id
        AND t.touched_at <= o.ordered_at
        AND t.touched_at >= o.ordered_at - to_days(CAST(lookback_days AS INTEGER))
),

numbered AS (
    SELECT
        order_id,
        campaign_id,
        decay,
        CAST(row_number() OVER w AS INTEGER) AS step,
        CAST(count(*) OVER (PARTITION BY order_id) AS INTEGER) AS touches,
        sum(decay) OVER (PARTITION BY order_id) AS touch_decay
    FROM touches
    WINDOW w AS (PARTITION BY order_id ORDER BY touched_at, campaign_id)
),

ends AS (
    SELECT
        o.*,
        coalesce(n.touches, 0) AS touches,
        coalesce(n.touch_decay, 0) AS touch_decay,
        o.campaign_id IS NOT NULL AND o.campaign_id IS DISTINCT FROM n.campaign_id AS appended
    FROM o
    LEFT JOIN numbered AS n ON o.order_id = n.order_id AND n.step = n.touches
)

SELECT
    e.order_id, e.ordered_at, e.revenue, e.gross_margin, n.campaign_id, n.step,
    e.touches + CAST(e.appended AS INTEGER) AS steps,
    n.decay,
    e.touch_decay + CAST(e.appended AS INTEGER) AS decay_total
FROM ends AS e
INNER JOIN numbered AS n ON e.order_id = n.order_id
UNION ALL
SELECT
    order_id, ordered_at, revenue, gross_margin,
    CASE WHEN appended THEN campaign_id END AS campaign_id,
    touches + 1 AS step, touches + 1 AS steps, 1.0 AS decay, touch_decay + 1 AS decay_total
FROM ends
WHERE appended OR touches = 0;

-- credit_share: the share of an order's revenue that one touch of its path gets under an
-- attribution model (last, first, linear, position, time_decay); shares of a path sum to 1.
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
