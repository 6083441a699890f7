-- Question: do the model's scores match how often validation leads were won?
-- Grain: one row per decile of the validation leads' scores (1 = lowest).
-- Parameters: none.
-- Columns: decile, leads, mean_score, win_rate.
SELECT decile, leads, mean_score, win_rate FROM lead_model_calibration ORDER BY decile;
