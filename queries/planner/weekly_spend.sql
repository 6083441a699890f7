-- Question: how much did each channel spend in each whole ISO week of the data?
-- Grain: one row per ISO week (Monday) and channel, zero when the channel spent nothing.
-- Parameters: none. The weeks are the whole Monday-to-Sunday weeks between the first and the
--             last day of spend and orders, or sales when there are no orders (partial
--             edge weeks would read as a drop).
-- Columns: week (DATE, the Monday), channel, kind, spend.
WITH span AS (
    SELECT
        least(
            (SELECT min(date) FROM spend),
            coalesce(
                (SELECT CAST(min(ordered_at) AS DATE) FROM orders), (SELECT min(date) FROM sales)
            )
        ) AS first_day,
        greatest(
            (SELECT max(date) FROM spend),
            coalesce(
                (SELECT CAST(max(ordered_at) AS DATE) FROM orders), (SELECT max(date) FROM sales)
            )
        ) AS last_day
),

weeks AS (
    SELECT CAST(w AS DATE) AS week
    FROM span, generate_series(
        CAST(date_trunc('week', first_day + 6) AS TIMESTAMP),
        CAST(date_trunc('week', last_day + 1) AS TIMESTAMP) - INTERVAL 7 DAY,
        INTERVAL 7 DAY
    ) AS g(w)
),

spent AS (
    SELECT CAST(date_trunc('week', s.date) AS DATE) AS week, cc.channel, sum(s.amount) AS spend
    FROM spend AS s
    INNER JOIN campaign_channels AS cc ON s.campaign_id = cc.campaign_id
    GROUP BY ALL
)

SELECT w.week, c.channel, c.kind, coalesce(s.spend, 0) AS spend
FROM weeks AS w
CROSS JOIN channels AS c
LEFT JOIN spent AS s ON w.week = s.week AND c.channel = s.channel
ORDER BY w.week, c.channel;
