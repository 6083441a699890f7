-- Question: how does spend split between online and offline each month, against budget?
-- Grain: one row per month and kind (both kinds for every month with spend or budget).
-- Parameters: $start, $end (DATE, inclusive, NULL = open), the dimensions' filters ($kind
--             picks rows of the result, see month_spend).
-- Columns: month, kind, spend, budget, month_spend.
-- Notes: segment and region select campaigns; budgets are per channel and ignore them.
-- A month cut by the date range counts the budget of its days inside the range.
-- month_spend is all spend of the month across both kinds (the kind filter only picks
-- rows), so share_of_spend keeps its meaning when one kind is shown.
WITH cc AS (
    SELECT campaign_id, kind
    FROM campaign_channels
    WHERE {picked:campaign::-kind}
),

spent AS (
    SELECT
        CAST(date_trunc('month', s.date) AS DATE) AS month,
        cc.kind,
        sum(s.amount) AS spend
    FROM spend AS s
    INNER JOIN cc ON s.campaign_id = cc.campaign_id
    WHERE ($start IS NULL OR s.date >= $start) AND ($end IS NULL OR s.date <= $end)
    GROUP BY ALL
),

planned AS (
    SELECT
        b.month,
        ch.kind,
        sum(budget_in_range(b.amount, b.month, $start, $end)) AS budget
    FROM budgets AS b
    INNER JOIN channels AS ch ON b.channel = ch.channel
    WHERE {picked:channel:ch:-kind}
      AND ($start IS NULL OR last_day(b.month) >= $start)
      AND ($end IS NULL OR b.month <= $end)
    GROUP BY ALL
),

months AS (
    SELECT month FROM spent
    UNION
    SELECT month FROM planned
),

grid AS (
    SELECT m.month, k.kind
    FROM months AS m
    CROSS JOIN (SELECT unnest(['online', 'offline']) AS kind) AS k
)

SELECT
    g.month,
    g.kind,
    coalesce(s.spend, 0) AS spend,
    p.budget,
    sum(coalesce(s.spend, 0)) OVER (PARTITION BY g.month) AS month_spend
FROM grid AS g
LEFT JOIN spent AS s ON g.month = s.month AND g.kind = s.kind
LEFT JOIN planned AS p ON g.month = p.month AND g.kind = p.kind
QUALIFY {picked:channel:g:+kind}
ORDER BY g.month, g.kind DESC;
