-- Question: which values can the shared filters take?
-- Grain: one row per filter and value. Parameters: none.
-- Columns: filter (channel | segment | region), value, kind (for channels).
SELECT 'channel' AS filter, channel AS value, kind FROM channels
UNION ALL
SELECT DISTINCT 'segment', segment, NULL FROM (
    SELECT segment FROM campaigns UNION ALL SELECT segment FROM customers
    UNION ALL SELECT segment FROM leads
) WHERE segment IS NOT NULL
UNION ALL
SELECT DISTINCT 'region', region, NULL FROM (
    SELECT region FROM campaigns UNION ALL SELECT region FROM customers
    UNION ALL SELECT region FROM leads
) WHERE region IS NOT NULL
ORDER BY filter, value;
