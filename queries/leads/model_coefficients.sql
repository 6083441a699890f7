-- Question: what raises or lowers a lead's score in the stored model?
-- Grain: one row per model input (a feature's value, or a number).
-- Parameters: none.
-- Columns: feature, value, reason (in words), coefficient.
SELECT feature, value, reason, coefficient
FROM lead_model_coefficients
ORDER BY coefficient DESC, feature, value;
