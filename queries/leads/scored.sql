-- Question: each lead with its imported score (leads.score) and what became of it.
-- Grain: one row per lead with a score.
-- Parameters: $start, $end (DATE, inclusive, on created_at), the dimensions' filters (on
--             the lead).
-- Columns: lead_id, created_at, score, qualified, qualified_days (days from created_at to
--          the first stage after the first; empty when not qualified), won, closed.
SELECT
    lead_id,
    created_at,
    score,
    qualified,
    epoch(qualified_at - created_at) / 86400.0 AS qualified_days,
    won,
    closed
FROM lead_outcomes
WHERE score IS NOT NULL
  AND ($start IS NULL OR created_at >= $start)
  AND ($end IS NULL OR created_at < CAST($end AS DATE) + INTERVAL 1 DAY)
  AND {picked:lead}
ORDER BY created_at, lead_id;
