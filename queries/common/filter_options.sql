-- Question: which values can the shared filters take?
-- Grain: one row per dimension and value. Parameters: none.
-- Columns: filter (a dimension's name, pitwall/dimensions.py), value.
-- A value of any grain counts: campaigns', leads' own and customers' own.
SELECT DISTINCT filter, value
FROM (
    UNPIVOT (
        SELECT {dims} FROM campaign_channels
        UNION ALL SELECT {dims} FROM lead_facts
        UNION ALL SELECT {dims} FROM customer_facts
    ) ON {dims} INTO NAME filter VALUE value
)
ORDER BY filter, value;
