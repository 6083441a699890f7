-- Build: the funnel's stages in order, numbered 1..n.
-- Grain: one row per stage. From funnel_stages when loaded, else the default stages.
-- Parameters: $default_stages (VARCHAR[]).
-- Columns: stage, position.
CREATE OR REPLACE TABLE stage_positions AS
SELECT stage, CAST(row_number() OVER (ORDER BY position) AS INTEGER) AS position
FROM funnel_stages
UNION ALL
SELECT
    unnest($default_stages) AS stage,
    CAST(generate_subscripts($default_stages, 1) AS INTEGER) AS position
WHERE NOT EXISTS (SELECT 1 FROM funnel_stages);
