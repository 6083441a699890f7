-- Question: what were the model's control variables (competitor activity, prices, holidays)
-- in each week?
-- Grain: one row per ISO week (Monday) and control name with a value that week.
-- Parameters: none.
-- Columns: week, name, value (the mean of the week's values).
SELECT CAST(date_trunc('week', date) AS DATE) AS week, name, avg(value) AS value
FROM controls
WHERE value IS NOT NULL
GROUP BY ALL
ORDER BY week, name;
