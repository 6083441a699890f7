-- Question: do the customers a month brought in keep buying? (cohorts/retention.sql's
-- answer, from the cohorts' rollups: what the views read.)
-- Grain: one row per group (see {group}), cohort month and period (months since the
-- cohort month), from period 0 to the month of the last order in the warehouse.
-- Parameters: $start, $end (DATE, inclusive, on acquired_at: which cohorts), the
--             dimensions' filters (on the customer: see docs/metrics.md, "Cohorts").
-- Identifier: {group} is an allow-listed breakdown column, or a constant for no breakdown.
-- Columns: grp, cohort_month, period, cohort_size, active_bounded (ordered in the period),
--          active_unbounded (ordered in the period or later), revenue, gross_margin,
--          orders, complete (the period's month has ended by the last order date).
WITH cf AS (
    SELECT {group} AS grp, month AS cohort_month, last_period, customers
    FROM cohort_customers
    WHERE day IS NOT NULL AND {span} AND {picked:customer}
),

sizes AS (
    SELECT grp, cohort_month, sum(customers) AS cohort_size
    FROM cf
    GROUP BY grp, cohort_month
),

periods AS (
    SELECT
        s.grp,
        s.cohort_month,
        s.cohort_size,
        CAST(unnest(range(0, greatest(datediff(
            'month', s.cohort_month, coalesce(d.last_day, s.cohort_month)
        ), 0) + 1)) AS INTEGER) AS period,
        d.last_day
    FROM sizes AS s
    CROSS JOIN order_span AS d
),

monthly AS (
    SELECT
        {group} AS grp,
        month AS cohort_month,
        period,
        sum(active) AS active,
        CAST(sum(orders) AS BIGINT) AS orders,
        sum(revenue) AS revenue,
        sum(gross_margin) AS gross_margin
    FROM cohort_activity
    WHERE {span} AND {picked:customer}
    GROUP BY {group}, month, period
),

lasts AS (
    SELECT grp, cohort_month, last_period, sum(customers) AS n
    FROM cf
    WHERE last_period IS NOT NULL
    GROUP BY grp, cohort_month, last_period
),

later AS (
    SELECT p.grp, p.cohort_month, p.period, CAST(sum(l.n) AS BIGINT) AS active
    FROM periods AS p
    INNER JOIN lasts AS l
        ON p.grp = l.grp AND p.cohort_month = l.cohort_month AND l.last_period >= p.period
    GROUP BY p.grp, p.cohort_month, p.period
)

SELECT
    p.grp,
    p.cohort_month,
    p.period,
    CAST(p.cohort_size AS BIGINT) AS cohort_size,
    CAST(coalesce(m.active, 0) AS BIGINT) AS active_bounded,
    coalesce(l.active, 0) AS active_unbounded,
    coalesce(m.revenue, 0) AS revenue,
    m.gross_margin,
    coalesce(m.orders, 0) AS orders,
    last_day(p.cohort_month + to_months(p.period)) <= p.last_day AS complete
FROM periods AS p
LEFT JOIN monthly AS m
    ON p.grp = m.grp AND p.cohort_month = m.cohort_month AND p.period = m.period
LEFT JOIN later AS l
    ON p.grp = l.grp AND p.cohort_month = l.cohort_month AND p.period = l.period
ORDER BY p.grp, p.cohort_month, p.period;
