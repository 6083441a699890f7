-- Question: is each channel on pace to spend its budget in the month of $asof?
-- Grain: one row per channel with spend or budget in that month.
-- Parameters: $asof (DATE: pacing is measured up to and including this day), the
--             dimensions' filters (campaign dimensions select the campaigns whose spend
--             counts; budgets are per channel and follow only the channel's dimensions).
-- Columns: channel, kind, spend_to_date, budget, days_elapsed, days_in_month.
-- budget pacing = spend_to_date / (budget * days_elapsed / days_in_month).
WITH ch AS (
    SELECT channel, kind
    FROM channels
    WHERE {picked:channel}
),

month AS (
    SELECT
        CAST(date_trunc('month', CAST($asof AS DATE)) AS DATE) AS first_day,
        CAST($asof AS DATE) AS asof
),

spent AS (
    SELECT cc.channel, sum(s.amount) AS spend_to_date
    FROM spend AS s
    INNER JOIN campaign_channels AS cc ON s.campaign_id = cc.campaign_id
    CROSS JOIN month AS m
    WHERE s.date BETWEEN m.first_day AND m.asof
      AND {picked:campaign:cc}
    GROUP BY ALL
),

planned AS (
    SELECT b.channel, sum(b.amount) AS budget
    FROM budgets AS b
    INNER JOIN month AS m ON b.month = m.first_day
    GROUP BY ALL
)

SELECT
    ch.channel,
    ch.kind,
    coalesce(s.spend_to_date, 0) AS spend_to_date,
    p.budget,
    datediff('day', m.first_day, m.asof) + 1 AS days_elapsed,
    day(last_day(m.first_day)) AS days_in_month
FROM ch
CROSS JOIN month AS m
LEFT JOIN spent AS s ON ch.channel = s.channel
LEFT JOIN planned AS p ON ch.channel = p.channel
WHERE s.channel IS NOT NULL OR p.channel IS NOT NULL
ORDER BY ch.channel;
