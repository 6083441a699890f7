-- Question: does the warehouse hold a marketing-mix model fit?
-- Grain: one row.
-- Parameters: none.
-- Columns: fits (0 or 1: whether the table mmm_fit exists).
SELECT count(*) AS fits
FROM duckdb_tables()
WHERE table_name = 'mmm_fit';
