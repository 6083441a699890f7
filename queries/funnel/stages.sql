-- Question: where are leads lost between identification and a won deal, and how long do
-- they sit in each stage?
-- Grain: one row per group (see {group}) and funnel stage.
-- Parameters: $start, $end (DATE, inclusive, on created_at), the dimensions' filters (on
--             the lead: its own segment/region, else its campaign's), $window_days
--             (number or NULL: only stages entered
--             within that many days of created_at count).
-- Identifier: {group} is an allow-listed breakdown column, or a constant for no breakdown.
-- Columns: grp, stage, position, leads, entered, skipped, median_days_in_stage.
WITH e AS (
    SELECT {group} AS grp, lead_id, position, days, next_days
    FROM lead_stage_entries
    WHERE ($start IS NULL OR created_at >= $start)
      AND ($end IS NULL OR created_at < CAST($end AS DATE) + INTERVAL 1 DAY)
      AND {picked:lead}
      AND ($window_days IS NULL OR days <= $window_days)
),

furthest AS (
    SELECT grp, max(position) AS furthest
    FROM e
    GROUP BY grp, lead_id
),

reached AS (
    SELECT grp, furthest, count(*) AS n
    FROM furthest
    GROUP BY ALL
),

entered AS (
    SELECT
        grp,
        position,
        count(*) AS entered,
        median(next_days - days) FILTER (
            WHERE next_days IS NOT NULL AND ($window_days IS NULL OR next_days <= $window_days)
        ) AS median_days_in_stage
    FROM e
    GROUP BY ALL
),

grid AS (
    SELECT g.grp, p.stage, p.position
    FROM (SELECT DISTINCT grp FROM e) AS g
    CROSS JOIN stage_positions AS p
),

counted AS (
    SELECT g.grp, g.stage, g.position, CAST(coalesce(sum(r.n), 0) AS BIGINT) AS leads
    FROM grid AS g
    LEFT JOIN reached AS r ON g.grp = r.grp AND r.furthest >= g.position
    GROUP BY ALL
)

SELECT
    c.grp,
    c.stage,
    c.position,
    c.leads,
    coalesce(en.entered, 0) AS entered,
    c.leads - coalesce(en.entered, 0) AS skipped,
    en.median_days_in_stage
FROM counted AS c
LEFT JOIN entered AS en ON c.grp = en.grp AND c.position = en.position
ORDER BY c.grp, c.position;
