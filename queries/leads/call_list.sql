-- Question: which open leads to call first, by the stored lead-scoring model?
-- Grain: one row per open lead with a stored score, highest score first.
-- Parameters: $start, $end (DATE, inclusive, on created_at), the dimensions' filters (on
--             the lead), $limit (rows).
-- Columns: lead_id, score, top_reasons, band, created_at, channel, campaign_name, source,
--          stage (the furthest stage reached), last_entered_at (why before the band: on a
--          phone the first columns are what shows).
SELECT
    s.lead_id,
    s.score,
    s.top_reasons,
    s.band,
    o.created_at,
    o.channel,
    o.campaign_name,
    o.source,
    p.stage,
    o.last_entered_at
FROM lead_model_scores AS s
INNER JOIN lead_outcomes AS o ON s.lead_id = o.lead_id
LEFT JOIN stage_positions AS p ON o.furthest = p.position
WHERE NOT o.closed
  AND ($start IS NULL OR o.created_at >= $start)
  AND ($end IS NULL OR o.created_at < CAST($end AS DATE) + INTERVAL 1 DAY)
  AND {picked:lead:o}
ORDER BY s.score DESC, o.created_at, s.lead_id
LIMIT $limit;
