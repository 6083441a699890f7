-- Question: what online share of spend is the target, month by month?
-- Grain: one row per month with a whole-business online-share target in the range.
-- Parameters: $start, $end (DATE, inclusive, NULL = open).
-- Columns: month, online_share.
SELECT month, value AS online_share
FROM targets
WHERE metric = 'online_share' AND channel IS NULL AND kind IS NULL
  AND ($start IS NULL OR last_day(month) >= $start) AND ($end IS NULL OR month <= $end)
ORDER BY month;
