-- Question: is revenue tied to campaigns (orders), or only known as totals (sales), and how
-- much do the sales totals hold in the date range?
-- Grain: one row. Sales totals follow the period only: they carry no campaign.
-- Parameters: $start, $end (DATE, inclusive, NULL = open).
-- Columns: orders (every order in the warehouse), sales_rows (sales rows in the range),
--          revenue (their revenue; NULL when there are none).
SELECT
    (SELECT count(*) FROM orders) AS orders,
    count(*) AS sales_rows,
    sum(revenue) AS revenue
FROM sales
WHERE ($start IS NULL OR date >= $start) AND ($end IS NULL OR date <= $end);
