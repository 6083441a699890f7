-- Question: does the warehouse hold a trained lead-scoring model?
-- Grain: one row. Parameters: none.
-- Columns: models (0 or 1: whether the table lead_model_fit exists).
SELECT count(*) AS models
FROM duckdb_tables()
WHERE table_name = 'lead_model_fit';
