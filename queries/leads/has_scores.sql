-- Question: does the warehouse hold imported lead scores (leads.score)?
-- Grain: one row. Parameters: none.
-- Columns: scored (leads with a score).
SELECT count(score) AS scored FROM leads;
