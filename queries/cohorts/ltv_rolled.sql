-- Question: what are the customers a channel acquired worth, month by month? (cohorts/ltv.sql's
-- answer, from the cohorts' rollups: what the views read.)
-- Grain: one row per group (see {group}) and month since acquisition (1-based: month k holds
-- orders placed before acquired_at + k months and not before acquired_at + (k-1) months;
-- orders before acquisition fall in month 1), from month 1 to the month of the last order.
-- Customers are those acquired in range that the filters pick, as retention picks them (see
-- docs/metrics.md, "Cohorts"); a customer without an acquisition channel is in group NULL.
-- Parameters: $start, $end (DATE, inclusive, on acquired_at), the dimensions' filters.
-- Identifier: {group} is an allow-listed breakdown column, or a constant for no breakdown.
-- Columns: grp, kind (the group's, when all its customers share one), month, customers, reached (customers whose `month` months have passed by
--          the last order), mature (customers with 12 full months), revenue, gross_margin
--          (of the month's orders; NULL when no order carries a margin), margin_loaded.
WITH elapsed AS (
    -- whole months each customer has been with us by the last order
    SELECT {group} AS grp, kind, months, sum(customers) AS n
    FROM cohort_customers
    WHERE {span} AND {picked:customer}
    GROUP BY {group}, kind, months
),

monthly AS (
    SELECT
        {group} AS grp,
        value_month AS month,
        sum(revenue) AS revenue,
        sum(gross_margin) AS gross_margin
    FROM cohort_value
    WHERE {span} AND {picked:customer}
    GROUP BY {group}, value_month
),

groups AS (
    SELECT
        e.grp,
        CASE WHEN min(e.kind) = max(e.kind) THEN min(e.kind) END AS kind,
        CAST(sum(e.n) AS BIGINT) AS customers,
        CAST(coalesce(sum(e.n) FILTER (WHERE e.months >= 12), 0) AS BIGINT) AS mature,
        greatest(1, coalesce(max(e.months), 0) + 1) AS last_month
    FROM elapsed AS e
    GROUP BY e.grp
),

months AS (
    SELECT g.*, CAST(unnest(range(1, g.last_month + 1)) AS INTEGER) AS month
    FROM groups AS g
),

reached AS (
    SELECT m.grp, m.month, CAST(sum(e.n) AS BIGINT) AS reached
    FROM months AS m
    INNER JOIN elapsed AS e ON m.grp = e.grp AND e.months >= m.month
    GROUP BY m.grp, m.month
)

SELECT
    m.grp,
    m.kind,
    m.month,
    m.customers,
    coalesce(r.reached, 0) AS reached,
    m.mature,
    coalesce(s.revenue, 0) AS revenue,
    CASE WHEN d.margin_loaded THEN coalesce(s.gross_margin, 0) END AS gross_margin,
    coalesce(d.margin_loaded, FALSE) AS margin_loaded
FROM months AS m
CROSS JOIN order_span AS d
LEFT JOIN monthly AS s ON m.grp = s.grp AND m.month = s.month
LEFT JOIN reached AS r ON m.grp = r.grp AND m.month = r.month
ORDER BY m.grp, m.month;
