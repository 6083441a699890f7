-- Question: every lead's score by the stored lead-scoring model.
-- Grain: one row per scored lead, highest score first.
-- Parameters: $start, $end (DATE, inclusive, on created_at), the dimensions' filters (on
--             the lead), $open_only (BOOLEAN: only leads neither won nor lost).
-- Columns: lead_id, score, band, top_reasons, open.
SELECT s.lead_id, s.score, s.band, s.top_reasons, NOT o.closed AS open
FROM lead_model_scores AS s
INNER JOIN lead_outcomes AS o ON s.lead_id = o.lead_id
WHERE (NOT $open_only OR NOT o.closed)
  AND ($start IS NULL OR o.created_at >= $start)
  AND ($end IS NULL OR o.created_at < CAST($end AS DATE) + INTERVAL 1 DAY)
  AND {picked:lead:o}
ORDER BY s.score DESC, s.lead_id;
