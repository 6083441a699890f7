-- Question: where are leads lost between identification and a won deal, and how long do
-- they sit in each stage? (funnel/stages.sql's answer, from the funnel's rollups: used when
-- no conversion window is set; a window reads funnel/stages.sql.)
-- Grain: one row per group (see {group}) and funnel stage.
-- Parameters: $start, $end (DATE, inclusive, on created_at), the dimensions' filters (on
--             the lead: its own segment/region, else its campaign's).
-- Identifier: {group} is an allow-listed breakdown column, or a constant for no breakdown.
-- Columns: grp, stage, position, leads, entered, skipped, median_days_in_stage.
-- The median is exact: funnel_entries' histogram by whole days in the stage says which whole
-- day holds the middle entry (or the two middle ones) of each stage, and stage_durations
-- gives the exact times of that day's entries only, gathered into one sorted list per group,
-- stage and day (an aggregate: cheaper than ranking the rows with a window).
WITH reached AS (
    SELECT {group} AS grp, furthest, sum(leads) AS n
    FROM funnel_leads
    WHERE {span} AND {picked:lead}
    GROUP BY {group}, furthest
),

histogram AS (
    SELECT {group} AS grp, position, whole_days, sum(entries) AS n
    FROM funnel_entries
    WHERE {span} AND {picked:lead}
    GROUP BY {group}, position, whole_days
),

entered AS (
    SELECT grp, position, sum(n) AS entered
    FROM histogram
    GROUP BY grp, position
),

ranked AS (
    -- each whole day's entries are ranks [before, before + n) of the stage's sorted times
    SELECT
        grp,
        position,
        whole_days,
        n,
        coalesce(sum(n) OVER (
            PARTITION BY grp, position ORDER BY whole_days
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ), 0) AS before,
        sum(n) OVER (PARTITION BY grp, position) AS total
    FROM histogram
    WHERE whole_days IS NOT NULL
),

middle AS (
    -- the 0-based ranks of the lower and upper middle entry (the same when the count is odd)
    SELECT grp, position, whole_days, floor((total - 1) / 2) - before AS r
    FROM ranked
    WHERE floor((total - 1) / 2) >= before AND floor((total - 1) / 2) < before + n
    UNION ALL
    SELECT grp, position, whole_days, floor(total / 2) - before AS r
    FROM ranked
    WHERE floor(total / 2) >= before AND floor(total / 2) < before + n
),

exact AS (
    -- the middle whole days' exact times, sorted once per group, stage and day
    SELECT
        {group} AS grp,
        position,
        whole_days,
        list_sort(list(in_stage)) AS times
    FROM stage_durations
    WHERE ($start IS NULL OR day >= $start)
      AND ($end IS NULL OR day <= $end)
      AND {picked:lead}
      AND position IN (SELECT position FROM middle)
      AND whole_days IN (SELECT whole_days FROM middle)
    GROUP BY {group}, position, whole_days
),

medians AS (
    SELECT m.grp, m.position, min(x.times[CAST(m.r AS BIGINT) + 1]) AS lo,
        max(x.times[CAST(m.r AS BIGINT) + 1]) AS hi
    FROM middle AS m
    INNER JOIN exact AS x
        ON m.grp = x.grp AND m.position = x.position AND m.whole_days = x.whole_days
    GROUP BY m.grp, m.position
),

grid AS (
    SELECT g.grp, p.stage, p.position
    FROM (SELECT DISTINCT grp FROM reached) AS g
    CROSS JOIN stage_positions AS p
),

counted AS (
    SELECT g.grp, g.stage, g.position, CAST(coalesce(sum(r.n), 0) AS BIGINT) AS leads
    FROM grid AS g
    LEFT JOIN reached AS r ON g.grp = r.grp AND r.furthest >= g.position
    GROUP BY g.grp, g.stage, g.position
)

SELECT
    c.grp,
    c.stage,
    c.position,
    c.leads,
    CAST(coalesce(en.entered, 0) AS BIGINT) AS entered,
    c.leads - CAST(coalesce(en.entered, 0) AS BIGINT) AS skipped,
    md.lo + (md.hi - md.lo) / 2 AS median_days_in_stage
FROM counted AS c
LEFT JOIN entered AS en ON c.grp = en.grp AND c.position = en.position
LEFT JOIN medians AS md ON c.grp = md.grp AND c.position = md.position
ORDER BY c.grp, c.position;
