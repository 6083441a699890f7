-- Question: what did the stored model fit store in mmm_draws?
-- Grain: one row per channel and stored posterior draw.
-- Parameters: none.
-- Columns: channel, draw, alpha (adstock decay), lam (saturation rate), beta (outcome per week
--         at full saturation).
SELECT * FROM mmm_draws;
