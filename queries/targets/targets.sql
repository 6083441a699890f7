-- Question: which targets are set for the months from $start to $end?
-- Grain: one row per month, metric and scope (whole business, a channel or a kind).
-- Parameters: $start, $end (DATE, first days of months, inclusive).
-- Columns: month, metric, value, channel, kind, channel_kind (the kind of a target's channel).
SELECT t.month, t.metric, t.value, t.channel, t.kind, ch.kind AS channel_kind
FROM targets AS t
LEFT JOIN channels AS ch ON t.channel = ch.channel
WHERE t.month BETWEEN $start AND $end
ORDER BY t.month, t.metric, t.channel, t.kind;
