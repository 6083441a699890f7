-- Question: which targets are set, month by month? (every month: the table is small, and a
-- page's month and quarter are cut from one read; pitwall/landing.py)
-- Grain: one row per month, metric and scope (whole business, a channel or a kind).
-- Parameters: none.
-- Columns: month, metric, value, channel, kind, channel_kind (the kind of a target's channel).
SELECT t.month, t.metric, t.value, t.channel, t.kind, ch.kind AS channel_kind
FROM targets AS t
LEFT JOIN channels AS ch ON t.channel = ch.channel
ORDER BY t.month, t.metric, t.channel, t.kind;
