-- Question: how does each channel's spend compare with its budget, month by month?
-- Grain: one row per month and channel with spend or budget.
-- Parameters: $start, $end (DATE, inclusive, NULL = open), the dimensions' filters.
-- Columns: month, channel, kind, channel_group, spend, budget.
-- Notes: budgets are per channel (segment and region filters do not change them); a month
-- cut by the range counts the budget of its days inside it.
WITH cc AS (
    SELECT campaign_id, channel
    FROM campaign_channels
    WHERE {picked:campaign}
),

ch AS (
    SELECT channel, kind, coalesce("group", channel) AS channel_group
    FROM channels
    WHERE {picked:channel}
),

spent AS (
    SELECT CAST(date_trunc('month', s.date) AS DATE) AS month, cc.channel, sum(s.amount) AS spend
    FROM spend AS s
    INNER JOIN cc ON s.campaign_id = cc.campaign_id
    WHERE ($start IS NULL OR s.date >= $start) AND ($end IS NULL OR s.date <= $end)
    GROUP BY ALL
),

planned AS (
    SELECT
        month,
        channel,
        sum(budget_in_range(amount, month, $start, $end)) AS budget
    FROM budgets
    WHERE ($start IS NULL OR last_day(month) >= $start) AND ($end IS NULL OR month <= $end)
    GROUP BY ALL
)

SELECT
    coalesce(s.month, p.month) AS month,
    ch.channel,
    ch.kind,
    ch.channel_group,
    coalesce(s.spend, 0) AS spend,
    p.budget
FROM spent AS s
FULL JOIN planned AS p ON s.month = p.month AND s.channel = p.channel
INNER JOIN ch ON coalesce(s.channel, p.channel) = ch.channel
ORDER BY month, ch.channel;
