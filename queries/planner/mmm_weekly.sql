-- Question: what did the stored model fit store in mmm_weekly?
-- Grain: one row per modelled week and series.
-- Parameters: none.
-- Columns: week, series (actual, fitted, fitted_low, fitted_high, base, ch:<channel>), value.
SELECT * FROM mmm_weekly;
