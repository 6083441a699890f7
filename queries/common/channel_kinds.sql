-- Question: is each channel online or offline (so the sidebar offers only channels of the
-- picked kind)?
-- Grain: one row per channel. Parameters: none.
-- Columns: channel, kind.
SELECT channel, kind FROM channels ORDER BY channel;
