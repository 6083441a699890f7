-- Question: which model fit is stored, and has data been loaded since it was made?
-- Grain: one row (the stored fit).
-- Parameters: none.
-- Columns: every column of mmm_fit (docs/metrics.md, Budget planner), then
--          current_loaded_at (the warehouse's last load; a fit is stale when it differs from
--          the loaded_at the fit recorded).
SELECT
    f.*,
    (SELECT value FROM pitwall_meta WHERE key = 'loaded_at') AS current_loaded_at
FROM mmm_fit AS f;
