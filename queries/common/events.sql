-- Question: what happened between $start and $end that a time chart should mark?
-- Grain: one row per event (events table) overlapping the range, then the launches of the
--        $launches campaigns with the most spend in the range among those starting in it.
-- Parameters: $start, $end (DATE, inclusive), the dimensions' filters, $launches (INTEGER).
-- An event is picked like the chart's data: one without channel or kind always shows; one
-- for a channel or kind shows when the channel and kind filters pick it. Campaigns are
-- picked by every filter, as Channel ROI picks them.
-- Columns: date, end_date (the event's last day; = date for one day), label, channel, kind,
--          source (event | launch).
WITH dated AS (
    SELECT
        e.date,
        coalesce(e.end_date, e.date) AS end_date,
        e.label,
        e.channel,
        coalesce(e.kind, ch.kind) AS kind,
        'event' AS source
    FROM events AS e
    LEFT JOIN channels AS ch ON e.channel = ch.channel
    WHERE e.date <= $end AND coalesce(e.end_date, e.date) >= $start
),

picked_events AS (
    -- an event without a channel (or kind) is not narrowed by that filter
    SELECT *
    FROM dated AS ev
    WHERE (ev.channel IS NULL OR {picked:channel:ev:+channel})
      AND (ev.kind IS NULL OR {picked:channel:ev:+kind})
),

launched AS (
    SELECT c.campaign_id, c.start_date, cc.campaign_name, cc.channel, cc.kind
    FROM campaigns AS c
    INNER JOIN campaign_channels AS cc ON c.campaign_id = cc.campaign_id
    WHERE c.start_date BETWEEN $start AND $end AND {picked:campaign:cc}
),

ranked AS (
    SELECT
        l.start_date AS date,
        l.start_date AS end_date,
        'Launch: ' || l.campaign_name AS label,
        l.channel,
        l.kind,
        'launch' AS source,
        coalesce(sum(s.amount), 0) AS spent
    FROM launched AS l
    LEFT JOIN spend AS s
        ON s.campaign_id = l.campaign_id AND s.date BETWEEN $start AND $end
    GROUP BY ALL
    ORDER BY spent DESC, label
    LIMIT $launches
)

SELECT date, end_date, label, channel, kind, source FROM picked_events
UNION ALL
SELECT date, end_date, label, channel, kind, source FROM ranked
ORDER BY date, source DESC, label;
