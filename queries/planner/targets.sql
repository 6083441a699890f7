-- Question: what online share of spend is the target, month by month (the planner's default
-- floor for the months it plans)?
-- Grain: one row per month with a target.
-- Parameters: none.
-- Columns: month, online_share.
SELECT month, online_share
FROM targets
ORDER BY month;
