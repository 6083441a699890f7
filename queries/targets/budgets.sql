-- Question: what is the planned spend of each channel in the months from $start to $end?
-- Grain: one row per month and channel with a budget.
-- Parameters: $start, $end (DATE, first days of months, inclusive).
-- Columns: month, channel, kind, budget.
SELECT b.month, b.channel, ch.kind, b.amount AS budget
FROM budgets AS b
INNER JOIN channels AS ch ON b.channel = ch.channel
WHERE b.month BETWEEN $start AND $end
ORDER BY b.month, b.channel;
