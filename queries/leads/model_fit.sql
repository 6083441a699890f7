-- Question: which lead-scoring model is stored, and has data been loaded since?
-- Grain: one row (the stored model).
-- Parameters: none.
-- Columns: every column of lead_model_fit (docs/metrics.md, Leads), then current_loaded_at
--          (the warehouse's last load; the model is stale when it differs from the
--          loaded_at the model recorded).
SELECT
    f.*,
    (SELECT value FROM pitwall_meta WHERE key = 'loaded_at') AS current_loaded_at
FROM lead_model_fit AS f;
