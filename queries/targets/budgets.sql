-- Question: what is the planned spend of each channel, month by month? (every month, as
-- targets/targets.sql)
-- Grain: one row per month and channel with a budget.
-- Parameters: none.
-- Columns: month, channel, kind, budget.
SELECT b.month, b.channel, ch.kind, b.amount AS budget
FROM budgets AS b
INNER JOIN channels AS ch ON b.channel = ch.channel
ORDER BY b.month, b.channel;
