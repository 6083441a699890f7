-- Question: what did the stored model fit store in mmm_curves?
-- Grain: one row per channel and point of its spend grid.
-- Parameters: none.
-- Columns: channel, weekly_spend, weekly_outcome, weekly_outcome_low, weekly_outcome_high.
SELECT * FROM mmm_curves;
