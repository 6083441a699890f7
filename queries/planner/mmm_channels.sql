-- Question: what did the stored model fit store in mmm_channels?
-- Grain: one row per modelled channel.
-- Parameters: none.
-- Columns: channel, kind, spend, contribution (+ _low, _high), roas (+ _low, _high),
--         marginal_roas (+ _low, _high), attributed_outcome, attributed_roas,
--         weekly_spend_now, largest_weekly_spend, weeks_with_spend.
SELECT * FROM mmm_channels;
