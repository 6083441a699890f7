-- Invariant: every lead enters the first funnel stage, and the leads reaching each stage
-- never outnumber those reaching the stage before it.
-- Grain: one row per stage that breaks it (none when the invariant holds).
-- Parameters: none.
-- Columns: subject, example (the stage), n (its leads minus the previous stage's).
WITH furthest AS (
    SELECT lead_id, max(position) AS furthest FROM lead_stage_entries GROUP BY lead_id
),

reaching AS (
    SELECT p.position, p.stage, count(f.lead_id) AS leads
    FROM stage_positions AS p
    LEFT JOIN furthest AS f ON f.furthest >= p.position
    GROUP BY ALL
),

stepped AS (
    SELECT stage, leads, lag(leads) OVER (ORDER BY position) AS previous FROM reaching
)

SELECT 'lead_stage_entries: leads reaching a stage never rise' AS subject, stage AS example,
    leads - previous AS n
FROM stepped
WHERE leads > previous
UNION ALL
SELECT 'lead_stage_entries: every lead enters the first stage', lead_id, 0
FROM lead_facts AS l
WHERE NOT EXISTS (
    SELECT 1 FROM lead_stage_entries AS e WHERE e.lead_id = l.lead_id AND e.position = 1
)
LIMIT 5;
