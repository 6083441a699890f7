-- Build (Spark's form of build/01_stage_positions.sql, written in Spark SQL): DuckDB numbers
-- the default stages with unnest and generate_subscripts in one SELECT, which Spark cannot
-- (one generator per SELECT); posexplode gives each stage with its index.
-- Grain: one row per stage. Parameters: $default_stages (array of strings).
-- Columns: stage, position.
CREATE OR REPLACE TABLE stage_positions AS
SELECT stage, CAST(row_number() OVER (ORDER BY position) AS INT) AS position
FROM funnel_stages
UNION ALL
SELECT d.col AS stage, CAST(d.pos + 1 AS INT) AS position
FROM (SELECT posexplode(:default_stages)) AS d
WHERE NOT EXISTS (SELECT 1 FROM funnel_stages);
