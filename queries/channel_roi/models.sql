-- Question: how much revenue does each attribution model credit to each channel?
-- Grain: one row per channel and model with credited revenue (every model of $models).
-- Parameters: $start, $end (DATE, inclusive, NULL = open), the dimensions' filters (they
--             select campaigns), $models (VARCHAR[]), $lookback_days (INTEGER).
-- Columns: channel, kind, model, revenue, gross_margin.
WITH cc AS (
    SELECT campaign_id, channel, kind
    FROM campaign_channels
    WHERE {picked:campaign}
),

paths AS (
    -- the paths are read once, rows of one shape summed (whole orders collapse to one row
    -- per channel), then credited under every model
    SELECT
        cc.channel, cc.kind, p.step, p.steps, p.decay, p.decay_total, p.sign,
        sum(p.revenue) AS revenue, sum(p.gross_margin) AS gross_margin
    FROM order_paths($start, $end, $lookback_days) AS p
    INNER JOIN cc ON p.campaign_id = cc.campaign_id
    GROUP BY ALL
)

SELECT
    p.channel,
    p.kind,
    m.model,
    sum(p.sign * p.revenue * credit_share(m.model, p.step, p.steps, p.decay, p.decay_total))
        AS revenue,
    sum(p.sign * p.gross_margin * credit_share(m.model, p.step, p.steps, p.decay, p.decay_total))
        AS gross_margin
FROM paths AS p
CROSS JOIN (SELECT unnest($models) AS model) AS m
GROUP BY ALL
ORDER BY p.channel, m.model;
