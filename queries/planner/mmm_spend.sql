-- Question: what did the stored model fit store in mmm_spend?
-- Grain: one row per modelled week and channel.
-- Parameters: none.
-- Columns: week, channel, spend (the weekly spend the fit saw).
SELECT * FROM mmm_spend;
