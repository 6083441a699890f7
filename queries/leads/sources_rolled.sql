-- Question: who brings the leads that close? (sources.sql's answer: the counts from the
-- rollup lead_source_days, the customers the leads became from lead_outcomes' converted
-- leads and their revenue from lead_customer_days, not from every order.)
-- Grain: one row per source and kind.
-- Parameters: $start, $end (DATE, inclusive, on created_at), the dimensions' filters (on
--             the lead), $sources (VARCHAR[]: the sources in the order they are listed).
-- Columns: source, kind, leads, qualified, won, customers, revenue (as in sources.sql).
WITH counted AS (
    SELECT source, kind, sum(leads) AS leads, sum(qualified) AS qualified, sum(won) AS won
    FROM lead_source_days
    WHERE {span} AND {picked:lead}
    GROUP BY ALL
),

became AS (
    SELECT DISTINCT coalesce(source, 'not recorded') AS source, kind, customer_id
    FROM lead_outcomes
    WHERE customer_id IS NOT NULL
      AND ($start IS NULL OR created_at >= $start)
      AND ($end IS NULL OR created_at < CAST($end AS DATE) + INTERVAL 1 DAY)
      AND {picked:lead}
),

-- each customer's revenue by $end: the totals when no order lies after $end
spent AS (
    SELECT customer_id, revenue
    FROM lead_customer_totals
    WHERE $end IS NULL OR $end >= (SELECT last_day FROM order_span)
    UNION ALL
    SELECT customer_id, sum(revenue) AS revenue
    FROM lead_customer_days
    WHERE $end < (SELECT last_day FROM order_span) AND day <= $end
    GROUP BY customer_id
),

paid AS (
    SELECT b.source, b.kind, count(DISTINCT b.customer_id) AS customers,
        coalesce(sum(d.revenue), 0) AS revenue
    FROM became AS b
    LEFT JOIN spent AS d ON b.customer_id = d.customer_id
    GROUP BY ALL
)

SELECT
    c.source,
    c.kind,
    CAST(c.leads AS BIGINT) AS leads,
    CAST(c.qualified AS BIGINT) AS qualified,
    CAST(c.won AS BIGINT) AS won,
    coalesce(p.customers, 0) AS customers,
    CAST(coalesce(p.revenue, 0) AS DOUBLE) AS revenue
FROM counted AS c
LEFT JOIN paid AS p ON c.source = p.source AND c.kind IS NOT DISTINCT FROM p.kind
ORDER BY coalesce(list_position($sources, c.source), 99), c.kind NULLS LAST;
