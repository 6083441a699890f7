-- Question: who brings the leads that close: leads, qualified leads, won deals and the
-- revenue of the customers they became, by who brought them in and online or offline?
-- Grain: one row per source and kind (of the lead's campaign's channel; empty without one).
-- Parameters: $start, $end (DATE, inclusive, on created_at), the dimensions' filters (on
--             the lead), $sources (VARCHAR[]: the sources in the order they are listed).
-- Columns: source ('not recorded' when the lead has none), kind, leads, qualified, won,
--          customers (distinct customers the leads became), revenue (their orders placed
--          by $end: a period and the one it is compared with give their customers the same
--          time to buy; 0 without any).
WITH l AS (
    SELECT coalesce(source, 'not recorded') AS source, kind, qualified, won, customer_id
    FROM lead_outcomes
    WHERE ($start IS NULL OR created_at >= $start)
      AND ($end IS NULL OR created_at < CAST($end AS DATE) + INTERVAL 1 DAY)
      AND {picked:lead}
),

became AS (
    SELECT DISTINCT source, kind, customer_id FROM l WHERE customer_id IS NOT NULL
),

paid AS (
    SELECT b.source, b.kind, count(DISTINCT b.customer_id) AS customers,
        coalesce(sum(o.revenue), 0) AS revenue
    FROM became AS b
    LEFT JOIN orders AS o
        ON b.customer_id = o.customer_id
        AND ($end IS NULL OR o.ordered_at < CAST($end AS DATE) + INTERVAL 1 DAY)
    GROUP BY ALL
),

counted AS (
    SELECT source, kind, count(*) AS leads, CAST(count_if(qualified) AS BIGINT) AS qualified,
        CAST(count_if(won) AS BIGINT) AS won
    FROM l
    GROUP BY ALL
)

SELECT
    c.source,
    c.kind,
    c.leads,
    c.qualified,
    c.won,
    coalesce(p.customers, 0) AS customers,
    CAST(coalesce(p.revenue, 0) AS DOUBLE) AS revenue
FROM counted AS c
LEFT JOIN paid AS p ON c.source = p.source AND c.kind IS NOT DISTINCT FROM p.kind
ORDER BY coalesce(list_position($sources, c.source), 99), c.kind NULLS LAST;
