-- Question: how often do customers buy, and how much per order?
-- (frequency.sql's answer from the rollup buyer_months, for whole months: $start is a
-- month's first day or NULL, $end a month's last day or NULL. pitwall/loyalty.py reads
-- frequency.sql for a range that cuts a month.)
-- Grain: one row per group of $by (cohort, channel, sales_channel).
-- Parameters: $start, $end (DATE, whole months), the dimensions' filters (on the buyer),
--             $by (VARCHAR).
-- Columns: grp, buyers (a buyer counts in the first month of the range they bought in: the
--          rows whose previous month is before the range), orders, revenue.
SELECT
    CASE $by
        WHEN 'cohort' THEN strftime(cohort_month, '%Y-%m')
        WHEN 'channel' THEN channel
        ELSE sales_channel
    END AS grp,
    sum(buyers) FILTER (
        WHERE prev_month IS NULL OR ($start IS NOT NULL AND prev_month < $start)
    ) AS buyers,
    sum(orders) AS orders,
    sum(revenue) AS revenue
FROM buyer_months
WHERE entity = CASE WHEN $by = 'sales_channel' THEN 'sales_channel' ELSE 'customer' END
  AND ($start IS NULL OR month >= $start)
  AND ($end IS NULL OR month <= $end)
  AND {picked:customer}
GROUP BY ALL
ORDER BY grp NULLS LAST;
