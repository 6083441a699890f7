-- Question: which dates does the warehouse cover (for date presets and the weekly review)?
-- Grain: one row. Parameters: none.
-- Columns: first_day, last_day (over spend dates, order dates, sales dates and lead creation
--          dates).
SELECT
    CAST(min(d) AS DATE) AS first_day,
    CAST(max(d) AS DATE) AS last_day
FROM (
    SELECT min(date) AS d FROM spend
    UNION ALL SELECT max(date) FROM spend
    UNION ALL SELECT min(ordered_at) FROM orders
    UNION ALL SELECT max(ordered_at) FROM orders
    UNION ALL SELECT min(date) FROM sales
    UNION ALL SELECT max(date) FROM sales
    UNION ALL SELECT min(created_at) FROM leads
    UNION ALL SELECT max(created_at) FROM leads
);
