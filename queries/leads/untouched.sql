-- Question: how many open leads with a high imported score (leads.score at or above the
-- hand-off threshold) has nobody moved for $idle_days days by $asof?
-- Grain: one row. Parameters: $asof (TIMESTAMP: the end of the reviewed week), $idle_days,
--             $mql (the threshold), the dimensions' filters (on the lead).
-- Columns: high (open high-score leads created by $asof), idle (those whose last stage
--          entry, or their creation, is $idle_days or more days before $asof).
WITH last_moved AS (
    SELECT lead_id, max(entered_at) AS moved_at
    FROM lead_stage_entries
    WHERE entered_at <= $asof
    GROUP BY lead_id
),

high AS (
    SELECT o.lead_id, coalesce(m.moved_at, o.created_at) AS moved_at
    FROM lead_outcomes AS o
    LEFT JOIN last_moved AS m ON o.lead_id = m.lead_id
    WHERE o.score >= $mql
      AND o.created_at <= $asof
      AND (o.won_at IS NULL OR o.won_at > $asof)
      AND (o.lost_at IS NULL OR o.lost_at > $asof)
      AND {picked:lead:o}
)

SELECT
    count(*) AS high,
    count_if(moved_at <= $asof - to_days(CAST($idle_days AS INTEGER))) AS idle
FROM high;
