-- Question: do the customers a month brought in keep buying?
-- Grain: one row per group (see {group}), cohort month and period (months since the
-- cohort month), from period 0 to the month of the last order in the warehouse.
-- Parameters: $start, $end (DATE, inclusive, on acquired_at: which cohorts), the
--             dimensions' filters (on the customer: see docs/metrics.md, "Cohorts").
-- Identifier: {group} is an allow-listed breakdown column, or a constant for no breakdown.
-- Columns: grp, cohort_month, period, cohort_size, active_bounded (ordered in the period),
--          active_unbounded (ordered in the period or later), revenue, gross_margin,
--          orders, complete (the period's month has ended by the last order date).
WITH cf AS (
    SELECT {group} AS grp, customer_id, cohort_month, last_period
    FROM customer_facts
    WHERE cohort_month IS NOT NULL
      AND ($start IS NULL OR acquired_at >= $start)
      AND ($end IS NULL OR acquired_at < CAST($end AS DATE) + INTERVAL 1 DAY)
      AND {picked:customer}
),

data_end AS (
    SELECT CAST(max(ordered_at) AS DATE) AS last_day FROM orders
),

sizes AS (
    SELECT grp, cohort_month, count(*) AS cohort_size
    FROM cf
    GROUP BY ALL
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
    CROSS JOIN data_end AS d
),

monthly AS (
    SELECT
        cf.grp,
        m.cohort_month,
        m.period,
        count(*) AS active,
        CAST(sum(m.orders) AS BIGINT) AS orders,
        sum(m.revenue) AS revenue,
        sum(m.gross_margin) AS gross_margin
    FROM customer_months AS m
    INNER JOIN cf ON m.customer_id = cf.customer_id
    GROUP BY ALL
),

lasts AS (
    SELECT grp, cohort_month, last_period, count(*) AS n
    FROM cf
    WHERE last_period IS NOT NULL
    GROUP BY ALL
),

later AS (
    SELECT p.grp, p.cohort_month, p.period, CAST(sum(l.n) AS BIGINT) AS active
    FROM periods AS p
    INNER JOIN lasts AS l
        ON p.grp = l.grp AND p.cohort_month = l.cohort_month AND l.last_period >= p.period
    GROUP BY ALL
)

SELECT
    p.grp,
    p.cohort_month,
    p.period,
    p.cohort_size,
    coalesce(m.active, 0) AS active_bounded,
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
